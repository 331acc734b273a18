using System.Diagnostics;
using System.Text;
using k8s;
using k8s.Models;

namespace OrleansChat.Deploy.Tests;

/// <summary>deploy/k8s rendered with <c>kubectl kustomize</c> and loaded strictly as Kubernetes API objects.</summary>
public static class Manifests
{
    /// <summary>The overlays a user applies.</summary>
    public static readonly string[] Overlays = ["dev", "prod"];

    private static readonly Dictionary<string, Lazy<string>> Rendered = Overlays.ToDictionary(o => o, o => new Lazy<string>(() => Render(o)));

    /// <summary>The repository's root (the folder holding OrleansChat.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>An overlay rendered as YAML (once per test run).</summary>
    public static string Yaml(string overlay) => Rendered[overlay].Value;

    /// <summary>
    /// An overlay's objects as the client library's typed models, loaded in strict mode: a field
    /// the Kubernetes API does not have, or a value of the wrong type, fails the load.
    /// </summary>
    public static IReadOnlyList<IKubernetesObject> Objects(string overlay) =>
        KubernetesYaml.LoadAllFromString(Yaml(overlay), typeMap: null, strict: true).Cast<IKubernetesObject>().ToList();

    /// <summary>The objects of one type in an overlay.</summary>
    public static IReadOnlyList<T> Of<T>(string overlay) => Objects(overlay).OfType<T>().ToList();

    /// <summary>The one object of a type with a name.</summary>
    public static T Named<T>(string overlay, string name) where T : IMetadata<V1ObjectMeta> =>
        Of<T>(overlay).Single(o => o.Metadata.Name == name);

    /// <summary>Runs a program to its end and returns its exit code, standard output and error.</summary>
    public static (int Code, string Output, string Error) Run(string program, string arguments, string? workingDirectory = null, string? input = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            WorkingDirectory = workingDirectory ?? Root,
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {arguments} did not end in time");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    private static string Render(string overlay)
    {
        var (code, output, error) = Run("kubectl", $"kustomize deploy/k8s/overlays/{overlay}");
        return code == 0 ? output : throw new InvalidOperationException($"kubectl kustomize deploy/k8s/overlays/{overlay} failed ({code}): {error}");
    }

    private static string FindRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "OrleansChat.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("OrleansChat.sln not found above the test's folder");
    }
}
