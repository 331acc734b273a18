using Orleans.Hosting.Kubernetes;

namespace OrleansChat.Silo.Hosting;

/// <summary>Turns on Orleans' Kubernetes integration when the silo runs in a pod (<see cref="ChatClusterOptions.Kubernetes"/>).</summary>
public static class ChatKubernetes
{
    /// <summary>The variable the kubelet sets in every container (the API server's service address).</summary>
    public const string ServiceHostVariable = "KUBERNETES_SERVICE_HOST";

    /// <summary>Whether the integration is on: the setting when given, else whether <see cref="ServiceHostVariable"/> is set.</summary>
    public static bool IsEnabled(bool? setting, Func<string, string?> environment) =>
        setting ?? !string.IsNullOrEmpty(environment(ServiceHostVariable));

    /// <summary>
    /// Adds <c>UseKubernetesHosting</c> when enabled. It reads <c>POD_NAME</c>, <c>POD_NAMESPACE</c> and
    /// <c>POD_IP</c> (orleans' ConfigureKubernetesHostingOptions; the manifests set them from the pod's
    /// fields), names the silo after its pod, listens on every address, and its KubernetesClusterAgent
    /// reads, patches (the <c>orleans/serviceId</c> and <c>orleans/clusterId</c> labels), lists and
    /// watches pods, so its Role needs get, patch, list and watch on pods; delete only with
    /// DeleteDefunctSiloPods, which stays off.
    /// </summary>
    public static ISiloBuilder UseChatKubernetes(this ISiloBuilder silo, ChatClusterOptions cluster, Func<string, string?> environment)
    {
        if (IsEnabled(cluster.Kubernetes, environment))
        {
            silo.UseKubernetesHosting();
        }

        return silo;
    }
}
