# Dockerfile: wiretag-broker, wiretag-worker and the wiretag command in one
# image, built in two stages on debian:bookworm-slim (the Debian 12 packages
# the project is written for). docker-compose.yml builds it once (service
# `broker`) and every service runs it; see docs/CLIENTS.md.
#
#   docker build -t wiretag .
#   docker run --rm wiretag wiretag --help
#
# No registry? tests/it_compose.sh makes debian:bookworm-slim locally with
# debootstrap + docker import.

# ---- build stage: compiler, CMake and the -dev packages ----
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      gcc libc6-dev make cmake pkg-config \
      libzmq3-dev libmsgpack-dev libyaml-dev libjansson-dev liblmdb-dev libstemmer-dev \
      libmicrohttpd-dev \
      libnats-dev \
      zlib1g-dev \
      libyajl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only what the build reads, least changed first: a change to the docs or
# the tests (not in the context, see .dockerignore) rebuilds nothing, a
# change to the dictionaries only the last layers.
COPY CMakeLists.txt ./
COPY include/ include/
COPY lib/ lib/
COPY tools/ tools/
COPY broker/ broker/
COPY worker/ worker/
COPY dist/ dist/
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DWT_MAN=OFF -DCMAKE_INSTALL_PREFIX=/usr/local \
 && cmake --build /build -j"$(nproc)" --target wiretag-cli wiretag-broker wiretag-worker
COPY config/ config/
RUN DESTDIR=/out cmake --install /build --strip

# ---- runtime stage: the shared libraries only ----
FROM debian:bookworm-slim
# One fixed uid/gid (10001), no home directory: files on volumes and mounted
# keys can be owned by it from the host (chown 10001).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libzmq5 libmsgpackc2 libyaml-0-2 libjansson4 liblmdb0 libstemmer0d \
      libmicrohttpd12 \
      libnats3.4 zlib1g \
      libyajl2 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 wiretag \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin wiretag \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/wiretag
# The programs find /usr/local/share/wiretag next to /usr/local/bin.
COPY --from=build /out/usr/local/bin/ /usr/local/bin/
COPY --from=build /out/usr/local/share/wiretag/ /usr/local/share/wiretag/
USER 10001:10001
WORKDIR /var/lib/wiretag
# producers, workers, subscribers, replay/control
EXPOSE 5555 5556 5557 5558
# No VOLUME here: one image serves every service, and only the broker keeps
# state (docker-compose.yml mounts the named volume `journal` at
# /var/lib/wiretag). With plain `docker run`, mount one yourself:
#   docker run -v wiretag-journal:/var/lib/wiretag wiretag
CMD ["wiretag-broker", "--journal", "/var/lib/wiretag/journal"]
