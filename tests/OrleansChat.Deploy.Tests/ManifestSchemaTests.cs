namespace OrleansChat.Deploy.Tests;

/// <summary>Every overlay renders offline and every object it renders is a valid Kubernetes API object.</summary>
public sealed class ManifestSchemaTests
{
    public static TheoryData<string> Overlays => new(Manifests.Overlays);

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryObjectLoadsStrictlyAsItsKubernetesType(string overlay)
    {
        // Strict: an unknown field (a typo such as "terminationGracePeriod") or a wrong type fails here.
        var objects = Manifests.Objects(overlay);

        Assert.NotEmpty(objects);
        Assert.All(objects, o => Assert.False(string.IsNullOrEmpty(o.Kind), $"an object without kind in {overlay}"));
    }

    [Fact]
    public void AStrictLoadRejectsAFieldTheApiDoesNotHave()
    {
        var yaml = Manifests.Yaml("dev").Replace("terminationGracePeriodSeconds:", "terminationGracePeriod:", StringComparison.Ordinal);

        Assert.ThrowsAny<Exception>(() => k8s.KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryObjectHasTheRequiredFieldsAndTypesOfTheApiSchema(string overlay)
    {
        var (code, output, error) = Validate(Manifests.Yaml(overlay));

        Assert.True(code == 0, $"kubernetes-models validate() refused objects of {overlay}:\n{output}{error}");
        // One "ok" line per object rendered.
        Assert.Equal(Manifests.Objects(overlay).Count, output.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheSchemaCheckRejectsAMissingRequiredFieldAndAWrongType()
    {
        var yaml = Manifests.Yaml("prod").Replace("replicas: 3", "replicas: three", StringComparison.Ordinal)
            .Replace("\n        name: silo\n", "\n        nam: silo\n", StringComparison.Ordinal);

        var (code, output, _) = Validate(yaml);

        Assert.Equal(1, code);
        Assert.Contains("replicas must be integer", output, StringComparison.Ordinal);
        Assert.Contains("must have required property name", output, StringComparison.Ordinal);
    }

    private static (int Code, string Output, string Error) Validate(string yaml)
    {
        var folder = Path.Combine(Manifests.Root, "deploy", "k8s", "validate");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "kubernetes-models")),
            "deploy/k8s/validate has no node_modules: run `npm ci` there (test.sh does)");
        return Manifests.Run("node", "validate.mjs", folder, yaml);
    }
}
