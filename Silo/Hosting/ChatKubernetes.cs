using Microsoft.Extensions.Configuration;

namespace OrleansChat.Silo.Hosting;

/// <summary>
/// Turns on Orleans' Kubernetes integration (<c>Microsoft.Orleans.Hosting.Kubernetes</c>: silo name and
/// address from the pod, its pod labelled with the cluster's ids, silos whose pods are deleted declared
/// dead) when the silo runs in a pod: <c>Chat:Cluster:Kubernetes</c> (true or false) when set, else
/// whether <c>KUBERNETES_SERVICE_HOST</c> is set, as the kubelet sets it in every container.
/// </summary>
public static class ChatKubernetes
{
    /// <summary>The setting that turns the integration on or off regardless of where the silo runs.</summary>
    public const string Setting = "Chat:Cluster:Kubernetes";

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
    public static ISiloBuilder UseChatKubernetes(this ISiloBuilder silo, IConfiguration configuration, Func<string, string?> environment)
    {
        if (IsEnabled(configuration.GetValue<bool?>(Setting), environment))
        {
            silo.UseKubernetesHosting();
        }

        return silo;
    }
}
