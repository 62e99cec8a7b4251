# Dockerfile: wiretag-broker, wiretag-worker and the wiretag command in one
# image, built in two stages on debian:bookworm-slim (the Debian 12 packages
# the project is written for). Used by docker-compose.yml; see docs/CLIENTS.md.
#
#   docker build -t wiretag .
#   docker run --rm wiretag wiretag --help

# ---- build stage: compiler, CMake and the -dev packages ----
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      gcc libc6-dev make cmake pkg-config \
      libzmq3-dev libmsgpack-dev libyaml-dev libjansson-dev liblmdb-dev libstemmer-dev \
      libmicrohttpd-dev \
      libnats-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release \
 && cmake --build /build -j"$(nproc)" --target wiretag-cli wiretag-broker wiretag-worker \
 && mkdir -p /out/bin /out/share/wiretag \
 && cp /build/bin/wiretag /build/bin/wiretag-broker /build/bin/wiretag-worker /out/bin/ \
 && cp -r config/. /out/share/wiretag/

# ---- runtime stage: the shared libraries only ----
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libzmq5 libmsgpackc2 libyaml-0-2 libjansson4 liblmdb0 libstemmer0d \
      libmicrohttpd12 \
      libnats3.4 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/wiretag --create-home --shell /usr/sbin/nologin wiretag
# The programs find their dictionaries in <prefix>/share/wiretag next to
# <prefix>/bin; WIRETAG_DATA says so explicitly.
COPY --from=build /out/bin/ /usr/local/bin/
COPY --from=build /out/share/wiretag/ /usr/local/share/wiretag/
ENV WIRETAG_DATA=/usr/local/share/wiretag
USER wiretag
WORKDIR /var/lib/wiretag
# producers, workers, subscribers, replay/control
EXPOSE 5555 5556 5557 5558
VOLUME ["/var/lib/wiretag"]
CMD ["wiretag-broker", "--journal", "/var/lib/wiretag/journal"]
