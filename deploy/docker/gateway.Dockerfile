# The gateway's image, from a self-contained linux-x64 publish (deploy/images.sh publishes it on
# the host and passes that folder as the build context: no SDK, no restore inside the build).
# BASE_IMAGE: Microsoft's runtime-deps image by default; any Debian-like root with libssl3,
# ca-certificates and tzdata will do (deploy/podman/setup.sh makes one locally).
ARG BASE_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0
FROM ${BASE_IMAGE}
WORKDIR /app
COPY --chown=0:0 . /app/
# Plain HTTP on 8080 for every interface; TLS ends at the ingress (docs/deploy.md).
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
# The UID of Microsoft's images' "app" user; numeric, so a base without that user works as well.
USER 1654:1654
# No curl in the image: bash's /dev/tcp asks /health/live on the port of ASPNETCORE_URLS' last
# address (Kubernetes uses httpGet probes). The gateway opens its port once it has reached a silo.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["/bin/bash", "-c", "port=${ASPNETCORE_URLS##*:}; port=${port%%/*}; exec 3<>/dev/tcp/127.0.0.1/${port:-8080} && printf 'GET /health/live HTTP/1.0\\r\\n\\r\\n' >&3 && IFS= read -r status <&3 && [[ $status == *' 200 '* ]]"]
ENTRYPOINT ["/app/OrleansChat.Gateway"]
