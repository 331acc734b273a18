using System.Net;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting.Kubernetes;
using OrleansChat.Gateway.Hosting;
using OrleansChat.Silo.Hosting;

namespace OrleansChat.Deploy.Tests;

/// <summary>The rendered overlays agree with the programs and with themselves.</summary>
public sealed class ManifestConsistencyTests
{
    public static TheoryData<string> Overlays => new(Manifests.Overlays);

    // The variables Orleans' Kubernetes integration reads (its ConfigureKubernetesHostingOptions); the
    // service and cluster ids come from Chat__Cluster__* instead, so its ORLEANS_* ones are not set.
    private static readonly string[] KubernetesVariables =
    [
        KubernetesHostingOptions.PodNameEnvironmentVariable,
        KubernetesHostingOptions.PodNamespaceEnvironmentVariable,
        KubernetesHostingOptions.PodIPEnvironmentVariable,
    ];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EachContainerGetsExactlyTheVariablesOfItsEnvFileAndSecretsOnlyFromTheSecret(string overlay)
    {
        foreach (var (program, extra) in new[] { ("silo", KubernetesVariables), ("gateway", Array.Empty<string>()) })
        {
            var file = EnvFile.Read(program);
            var env = Container(overlay, program).Env;

            Assert.Equal(file.Values.Keys.Concat(extra).Order(StringComparer.Ordinal), env.Select(e => e.Name).Order(StringComparer.Ordinal));
            foreach (var variable in env)
            {
                var fromSecret = variable.ValueFrom?.SecretKeyRef is not null;
                Assert.True(fromSecret == file.Secrets.Contains(variable.Name), $"{program}'s {variable.Name}: a secret in the env file comes from the Secret, and only a secret");
            }
        }

        // The manifests carry no Secret: it is made by the operator (docs/deploy.md).
        Assert.Empty(Manifests.Of<V1Secret>(overlay));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryVariableAContainerGetsIsOneItsProgramReads(string overlay)
    {
        var silo = new ProgramSettings(typeof(ChatSiloExtensions));
        var gateway = new ProgramSettings(typeof(ChatGatewayExtensions));

        Assert.All(Container(overlay, "silo").Env, e => Assert.True(silo.Reads(e.Name) || KubernetesVariables.Contains(e.Name), $"the silo reads no {e.Name}"));
        // ASPNETCORE_URLS: the web host's own setting (Kestrel's addresses).
        Assert.All(Container(overlay, "gateway").Env, e => Assert.True(gateway.Reads(e.Name) || e.Name == "ASPNETCORE_URLS", $"the gateway reads no {e.Name}"));
        Assert.False(silo.Reads("Chat__Cluster__NoSuchSetting"));
        Assert.False(gateway.Reads("Chat__Gateway__ApiKey__0"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void TheSilosProbesAskThePathsItServesOnThePortItListensOn(string overlay)
    {
        var container = Container(overlay, "silo");
        var metricsPort = int.Parse(Value(container, "Chat__Cluster__MetricsPort"), System.Globalization.CultureInfo.InvariantCulture);
        var served = SiloAnswers(ProbePaths(container));

        foreach (var probe in Probes(container))
        {
            Assert.Equal(metricsPort, PortNumber(container, probe.HttpGet.Port));
            Assert.True(served[probe.HttpGet.Path] is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"the silo answers {probe.HttpGet.Path} with {served[probe.HttpGet.Path]}");
        }

        Assert.Equal("/health/ready", container.ReadinessProbe.HttpGet.Path);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void TheGatewaysProbesAskThePathsItMapsOnThePortItListensOn(string overlay)
    {
        var container = Container(overlay, "gateway");
        var listens = new Uri(Value(container, "ASPNETCORE_URLS").Replace("+", "localhost", StringComparison.Ordinal)).Port;
        var routes = GatewayRoutes();

        foreach (var probe in Probes(container))
        {
            Assert.Equal(listens, PortNumber(container, probe.HttpGet.Port));
            Assert.Contains(probe.HttpGet.Path, routes);
        }

        Assert.Equal("/health/ready", container.ReadinessProbe.HttpGet.Path);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SelectorsMatchTheLabelsOfThePodsTheyMeanAndEveryReferenceResolves(string overlay)
    {
        var workloads = Manifests.Of<V1Deployment>(overlay).Select(d => (d.Metadata.Name, d.Spec.Selector, d.Spec.Template))
            .Concat(Manifests.Of<V1StatefulSet>(overlay).Select(s => (s.Metadata.Name, s.Spec.Selector, s.Spec.Template)))
            .ToList();
        Assert.Equal(["gateway", "redis", "silo"], workloads.Select(w => w.Name).Order(StringComparer.Ordinal));
        foreach (var (name, selector, template) in workloads)
        {
            Assert.True(Matches(selector, template.Metadata.Labels), $"{name}'s selector does not select its own pods");
            Assert.Single(workloads, w => Matches(selector, w.Template.Metadata.Labels));
            Assert.All(template.Spec.TopologySpreadConstraints ?? [], t => Assert.True(Matches(t.LabelSelector, template.Metadata.Labels), $"{name}'s spread counts other pods"));
        }

        string Selected(V1LabelSelector selector) => Assert.Single(workloads, w => Matches(selector, w.Template.Metadata.Labels)).Name;
        foreach (var service in Manifests.Of<V1Service>(overlay))
        {
            var pods = Assert.Single(workloads, w => service.Spec.Selector.All(l => w.Template.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value));
            Assert.Equal(service.Metadata.Name, pods.Name);
            Assert.All(service.Spec.Ports, p => Assert.Contains(pods.Template.Spec.Containers.SelectMany(c => c.Ports), c => c.Name == p.TargetPort.Value || c.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == p.TargetPort.Value));
        }

        Assert.All(Manifests.Of<V1PodDisruptionBudget>(overlay), b => Assert.Equal(b.Metadata.Name, Selected(b.Spec.Selector)));
        Assert.All(Manifests.Of<V1NetworkPolicy>(overlay), p =>
        {
            Assert.Equal(p.Metadata.Name, Selected(p.Spec.PodSelector));
            Assert.All(p.Spec.Ingress.SelectMany(i => i.FromProperty).Where(f => f.PodSelector is not null), f => Selected(f.PodSelector));
        });
        Assert.All(Manifests.Of<V2HorizontalPodAutoscaler>(overlay), h => Assert.Contains(workloads, w => w.Name == h.Spec.ScaleTargetRef.Name && h.Spec.ScaleTargetRef.Kind == "Deployment"));
        Assert.All(Manifests.Of<V1Ingress>(overlay).SelectMany(i => i.Spec.Rules).SelectMany(r => r.Http.Paths), p =>
        {
            var service = Manifests.Named<V1Service>(overlay, p.Backend.Service.Name);
            Assert.Contains(service.Spec.Ports, port => port.Name == p.Backend.Service.Port.Name);
        });

        // Orleans' Kubernetes agent selects its cluster's pods by these labels: the ids the silo is configured with.
        var silo = Manifests.Named<V1Deployment>(overlay, "silo").Spec.Template;
        var container = Container(overlay, "silo");
        Assert.Equal(Value(container, "Chat__Cluster__ServiceId"), silo.Metadata.Labels[KubernetesHostingOptions.ServiceIdLabel]);
        Assert.Equal(Value(container, "Chat__Cluster__ClusterId"), silo.Metadata.Labels[KubernetesHostingOptions.ClusterIdLabel]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void TheSilosRoleGrantsExactlyWhatOrleansKubernetesIntegrationCalls(string overlay)
    {
        var silo = Manifests.Named<V1Deployment>(overlay, "silo").Spec.Template.Spec;
        var binding = Assert.Single(Manifests.Of<V1RoleBinding>(overlay), b => b.Subjects.Any(s => s.Kind == "ServiceAccount" && s.Name == silo.ServiceAccountName));
        Assert.Contains(Manifests.Of<V1ServiceAccount>(overlay), a => a.Metadata.Name == silo.ServiceAccountName);
        var role = Manifests.Named<V1Role>(overlay, binding.RoleRef.Name);
        var rule = Assert.Single(role.Rules);

        Assert.Equal([""], rule.ApiGroups);
        Assert.Equal(["pods"], rule.Resources);
        Assert.Equal(VerbsTheIntegrationUses().Order(StringComparer.Ordinal), rule.Verbs.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void GracePeriodsOutlastTheShutdownAndTheDrain(string overlay)
    {
        // Neither program sets HostOptions:ShutdownTimeout (no variable above does), so both have the host's default.
        var shutdown = new HostOptions().ShutdownTimeout;
        Assert.All(Container(overlay, "silo").Env.Concat(Container(overlay, "gateway").Env), e => Assert.DoesNotContain("HostOptions", e.Name, StringComparison.Ordinal));

        var silo = Manifests.Named<V1Deployment>(overlay, "silo");
        Assert.True(silo.Spec.Template.Spec.TerminationGracePeriodSeconds > shutdown.TotalSeconds, "a silo is killed before Orleans' shutdown ends");
        Assert.Equal("1", silo.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        Assert.Equal("0", silo.Spec.Strategy.RollingUpdate.MaxSurge.Value);

        var gateway = Manifests.Named<V1Deployment>(overlay, "gateway").Spec.Template.Spec;
        var preStop = gateway.Containers.Single().Lifecycle.PreStop.Sleep.Seconds;
        Assert.True(preStop > 0);
        Assert.True(gateway.TerminationGracePeriodSeconds > preStop + shutdown.TotalSeconds, "a gateway is killed before its drain ends");
    }

    [Fact]
    public void ProdHasItsReplicasBudgetsAutoscalerSpreadPoliciesIngressAndNoCpuLimitOnSilos()
    {
        const string prod = "prod";
        Assert.Equal(3, Manifests.Named<V1Deployment>(prod, "silo").Spec.Replicas);
        Assert.True(Manifests.Named<V1Deployment>(prod, "gateway").Spec.Replicas >= 2);
        Assert.True(Manifests.Named<V2HorizontalPodAutoscaler>(prod, "gateway").Spec.MinReplicas >= 2);
        Assert.Equal(["gateway", "silo"], Manifests.Of<V1PodDisruptionBudget>(prod).Select(b => b.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["redis", "silo"], Manifests.Of<V1NetworkPolicy>(prod).Select(p => p.Metadata.Name).Order(StringComparer.Ordinal));
        var ingress = Assert.Single(Manifests.Of<V1Ingress>(prod));
        Assert.Equal("3600", ingress.Metadata.Annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]);

        foreach (var name in new[] { "silo", "gateway" })
        {
            var pod = Manifests.Named<V1Deployment>(prod, name).Spec.Template;
            Assert.Contains(pod.Spec.TopologySpreadConstraints, t => t.TopologyKey == "kubernetes.io/hostname");
            Assert.Equal("true", pod.Metadata.Annotations["prometheus.io/scrape"]);
            Assert.Equal(PortNumber(pod.Spec.Containers.Single(), pod.Metadata.Annotations["prometheus.io/port"]).ToString(System.Globalization.CultureInfo.InvariantCulture), pod.Metadata.Annotations["prometheus.io/port"]);
        }

        Assert.DoesNotContain("cpu", Container(prod, "silo").Resources.Limits.Keys);
        foreach (var overlay in Manifests.Overlays)
        {
            Assert.All(Manifests.Of<V1Deployment>(overlay).Select(d => d.Spec.Template).Concat(Manifests.Of<V1StatefulSet>(overlay).Select(s => s.Spec.Template)),
                t => Assert.All(t.Spec.Containers, c => Assert.True(c.Resources.Requests.ContainsKey("cpu") && c.Resources.Requests.ContainsKey("memory"), $"{c.Name} in {overlay} requests no cpu or memory")));
        }

        var redis = Manifests.Named<V1StatefulSet>(prod, "redis").Spec;
        Assert.Contains("--appendonly", redis.Template.Spec.Containers.Single().Args);
        Assert.Single(redis.VolumeClaimTemplates);
    }

    [Fact]
    public void DevRunsOneOfEach()
    {
        Assert.All(Manifests.Of<V1Deployment>("dev"), d => Assert.Equal(1, d.Spec.Replicas));
        Assert.Equal(1, Manifests.Named<V1StatefulSet>("dev", "redis").Spec.Replicas);
        Assert.Empty(Manifests.Of<V2HorizontalPodAutoscaler>("dev"));
    }

    private static V1Container Container(string overlay, string workload) =>
        Manifests.Named<V1Deployment>(overlay, workload).Spec.Template.Spec.Containers.Single();

    private static string Value(V1Container container, string name) => container.Env.Single(e => e.Name == name).Value;

    private static IEnumerable<V1Probe> Probes(V1Container container) =>
        new[] { container.StartupProbe, container.LivenessProbe, container.ReadinessProbe }.Where(p => p is not null);

    private static string[] ProbePaths(V1Container container) => Probes(container).Select(p => p.HttpGet.Path).Distinct().ToArray();

    private static int PortNumber(V1Container container, IntOrString port) => PortNumber(container, port.Value);

    private static int PortNumber(V1Container container, string port) =>
        int.TryParse(port, out var number) ? number : container.Ports.Single(p => p.Name == port).ContainerPort;

    private static bool Matches(V1LabelSelector selector, IDictionary<string, string> labels) =>
        selector.MatchLabels.All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value);

    /// <summary>The Kubernetes API calls in Orleans.Hosting.Kubernetes' code, as RBAC verbs on pods.</summary>
    private static IEnumerable<string> VerbsTheIntegrationUses()
    {
        using var file = File.OpenRead(typeof(KubernetesHostingOptions).Assembly.Location);
        using var pe = new PEReader(file);
        var metadata = pe.GetMetadataReader();
        var called = metadata.MemberReferences.Select(r => metadata.GetString(metadata.GetMemberReference(r).Name)).ToHashSet(StringComparer.Ordinal);
        var verbs = new Dictionary<string, string>
        {
            ["ReadNamespacedPodAsync"] = "get",
            ["ListNamespacedPodAsync"] = "list",
            ["WatchListNamespacedPodAsync"] = "watch",
            ["PatchNamespacedPodAsync"] = "patch",
            ["DeleteNamespacedPodAsync"] = "delete",
        };
        Assert.Contains(called, c => c.Contains("NamespacedPod", StringComparison.Ordinal));
        Assert.All(called.Where(c => c.Contains("NamespacedPod", StringComparison.Ordinal)), c => Assert.True(verbs.ContainsKey(c), $"Orleans' integration calls {c}, which this test does not map to a verb"));
        // Deleting the pods of dead silos happens only with DeleteDefunctSiloPods, which the silo leaves off.
        Assert.False(new KubernetesHostingOptions().DeleteDefunctSiloPods);
        return verbs.Where(v => called.Contains(v.Key) && v.Value != "delete").Select(v => v.Value);
    }

    /// <summary>What a real silo host, set up as Program.cs sets it up, answers on each path.</summary>
    private static Dictionary<string, HttpStatusCode> SiloAnswers(string[] paths)
    {
        var port = Ports.Free();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chat:Cluster:ClusterId"] = "deploy-probe-test",
            ["Chat:Cluster:SiloPort"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Chat:Cluster:GatewayPort"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Chat:Cluster:MetricsPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Chat:Cluster:Kubernetes"] = "false",
        });
        builder.AddChatSilo();
        using var host = builder.Build();
        host.StartAsync().GetAwaiter().GetResult();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") };
            return paths.ToDictionary(p => p, p =>
            {
                using var response = http.GetAsync(new Uri(p, UriKind.Relative)).GetAwaiter().GetResult();
                return response.StatusCode;
            });
        }
        finally
        {
            host.StopAsync().GetAwaiter().GetResult();
        }
    }

    /// <summary>The route patterns the gateway maps, from a gateway built as Program.cs builds it (not started).</summary>
    private static HashSet<string> GatewayRoutes()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = Path.Combine(Manifests.Root, "Gateway") });
        builder.AddChatGateway();
        var app = builder.Build();
        app.MapChatGateway();
        return ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).ToHashSet(StringComparer.Ordinal);
    }
}
