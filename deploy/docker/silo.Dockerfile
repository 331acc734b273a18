# The silo's image, from a self-contained linux-x64 publish (deploy/images.sh publishes it on the
# host and passes that folder as the build context: no SDK, no restore inside the build).
# BASE_IMAGE: Microsoft's runtime-deps image by default; any Debian-like root with libssl3,
# ca-certificates and tzdata will do (deploy/podman/setup.sh makes one locally).
ARG BASE_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0
FROM ${BASE_IMAGE}
WORKDIR /app
COPY --chown=0:0 . /app/
# Listens on every interface in a container; the pod's IP is advertised (Chat__Cluster__AdvertisedIP).
ENV Chat__Cluster__MetricsHost=+
# Silo-to-silo, gateway (Orleans clients), metrics and health.
EXPOSE 11111 30000 9464
# The UID of Microsoft's images' "app" user; numeric, so a base without that user works as well.
USER 1654:1654
# No curl in the image: bash's /dev/tcp asks /health/live on the metrics port (Kubernetes uses httpGet probes).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${Chat__Cluster__MetricsPort:-9464} && printf 'GET /health/live HTTP/1.0\\r\\n\\r\\n' >&3 && IFS= read -r status <&3 && [[ $status == *' 200 '* ]]"]
ENTRYPOINT ["/app/OrleansChat.Silo"]
