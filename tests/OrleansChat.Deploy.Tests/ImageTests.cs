using System.Net;
using System.Text.RegularExpressions;

namespace OrleansChat.Deploy.Tests;

/// <summary>
/// The images deploy/images.sh builds start and answer their health endpoints, as their probes
/// ask them. Needs a working container engine: test.sh prepares podman with deploy/podman/setup.sh
/// where podman is installed; elsewhere the test is skipped and says why.
/// </summary>
public sealed class ImageTests
{
    [SkippableFact]
    public async Task BothImagesBuildRunAsTheirNonRootUserAndAnswerTheirHealthEndpoints()
    {
        var engine = Engine();
        Skip.If(engine is null, "no working container engine (podman info and docker info both failed); deploy/podman/setup.sh installs and prepares podman");

        var build = Manifests.Run("bash", $"deploy/images.sh --engine {engine}", timeout: TimeSpan.FromMinutes(10));
        Assert.True(build.Code == 0, $"deploy/images.sh failed ({build.Code}):\n{build.Error}");
        var images = build.Output.Trim().Split('\n');
        Assert.Equal(2, images.Length);
        var version = Manifests.Run("dotnet", "msbuild Silo/Silo.csproj -getProperty:Version -nologo").Output.Trim();
        Assert.Equal([$"orleanschat-silo:{version}", $"orleanschat-gateway:{version}"], images);

        // Host networking on loopback, on ports of their own beside any other test.
        var (metrics, siloPort, gatewayPort, http) = (Ports.Free(), Ports.Free(), Ports.Free(), Ports.Free());
        var suffix = Guid.NewGuid().ToString("N")[..8];
        string[] containers = [$"orleanschat-test-silo-{suffix}", $"orleanschat-test-gateway-{suffix}"];
        try
        {
            Start(engine!, containers[0], images[0],
                $"-e Chat__Cluster__MetricsPort={metrics} -e Chat__Cluster__SiloPort={siloPort} -e Chat__Cluster__GatewayPort={gatewayPort}");
            await AnswersAsync($"http://127.0.0.1:{metrics}/health/ready", containers[0], engine!);
            Assert.Equal(HttpStatusCode.OK, await StatusAsync($"http://127.0.0.1:{metrics}/health/live"));

            Start(engine!, containers[1], images[1], $"-e Chat__Cluster__GatewayPort={gatewayPort} -e ASPNETCORE_URLS=http://127.0.0.1:{http}");
            await AnswersAsync($"http://127.0.0.1:{http}/health/ready", containers[1], engine!);
            Assert.Equal(HttpStatusCode.OK, await StatusAsync($"http://127.0.0.1:{http}/health/live"));

            foreach (var container in containers)
            {
                Assert.Equal("1654", Manifests.Run(engine!, $"exec {container} id -u").Output.Trim());
                await HealthCheckPassesAsync(engine!, container);
            }
        }
        finally
        {
            foreach (var container in containers.Reverse())
            {
                Manifests.Run(engine!, $"rm -f -t 10 {container}");
            }
        }
    }

    private static string? Engine()
    {
        if (Manifests.Run("bash", "-c \"command -v podman\"").Code == 0)
        {
            // Podman's storage, runtime and limits for this machine, and the locally made base image (made once, then reused).
            var setup = Manifests.Run("bash", "deploy/podman/setup.sh", timeout: TimeSpan.FromMinutes(10));
            Assert.True(setup.Code == 0, $"deploy/podman/setup.sh failed: {setup.Error}");
            foreach (Match setting in Regex.Matches(setup.Output, "([A-Z_]+)='([^']*)'"))
            {
                Environment.SetEnvironmentVariable(setting.Groups[1].Value, setting.Groups[2].Value);
            }
        }

        foreach (var engine in new[] { "podman", "docker" })
        {
            try
            {
                if (Manifests.Run(engine, "info", timeout: TimeSpan.FromSeconds(30)).Code == 0)
                {
                    return engine;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed.
            }
        }

        return null;
    }

    private static void Start(string engine, string name, string image, string env)
    {
        // Podman logs that it cannot start its health-check timers without systemd, and runs the container.
        var run = Manifests.Run(engine, $"run -d --name {name} --network host {env} {(engine == "podman" ? "localhost/" : "")}{image}");
        Assert.True(run.Code == 0, $"{engine} run {image} failed: {run.Error}");
    }

    /// <summary>
    /// The image's own HEALTHCHECK passes: podman runs it on demand (its timers would need systemd);
    /// docker's daemon runs it every interval, so its status turns healthy.
    /// </summary>
    private static async Task HealthCheckPassesAsync(string engine, string container)
    {
        if (engine == "podman")
        {
            var check = Manifests.Run(engine, $"healthcheck run {container}");
            Assert.True(check.Code == 0, $"{container}'s HEALTHCHECK failed ({check.Code}): {check.Output}{check.Error}");
            return;
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        string status;
        while ((status = Manifests.Run(engine, $"inspect --format {{{{.State.Health.Status}}}} {container}").Output.Trim()) != "healthy")
        {
            Assert.True(DateTime.UtcNow < deadline, $"{container}'s HEALTHCHECK status is {status} after 90 s");
            await Task.Delay(1000);
        }
    }

    private static async Task AnswersAsync(string url, string container, string engine)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (await StatusAsync(url) != HttpStatusCode.OK)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{url} did not answer 200 in 90 s; {container}'s log:\n{Manifests.Run(engine, $"logs --tail 30 {container}").Output}");
            }

            await Task.Delay(500);
        }
    }

    private static async Task<HttpStatusCode?> StatusAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(url));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }
}
