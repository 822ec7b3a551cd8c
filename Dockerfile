# An image with the lifeline command, for the Kubernetes recipes in docs/recipes: the tarball that
# `mvn -B -DskipTests -Pdist package` writes, unpacked onto Debian's slim base. No JDK in the image:
# the tarball brings its own Java runtime. Build it from the repository root, after the dist build:
#
#   docker build -t registry.example/lifeline:0.1.0 .
#
# (VERSION must name the version built: --build-arg VERSION=... for another.)
FROM debian:bookworm-slim AS unpack
ARG VERSION=0.1.0-SNAPSHOT
COPY lifeline-dist/target/lifeline-${VERSION}-linux-x86_64.tar.gz /tmp/lifeline.tar.gz
# tar keeps the files' modification times, which the start-up cache records for each jar.
RUN mkdir /opt/lifeline && tar -xzf /tmp/lifeline.tar.gz -C /opt/lifeline --strip-components=1

FROM debian:bookworm-slim
COPY --from=unpack /opt/lifeline /opt/lifeline
RUN ln -s /opt/lifeline/bin/lifeline /usr/local/bin/lifeline
ENTRYPOINT ["lifeline"]
CMD ["--help"]
