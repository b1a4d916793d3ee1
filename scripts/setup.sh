#!/usr/bin/env bash
# Installs what the build and its tests need on a bare Debian 12 machine, idempotently.
# Today that is a JDK 17+ and curl (the Maven wrapper fetches Maven 3.9 itself).
# The Azure and AI modules add Azurite and PostgreSQL+pgvector here when their tests arrive.
set -euo pipefail

need_apt=()
if ! command -v java >/dev/null 2>&1 || ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then
  need_apt+=(openjdk-17-jdk-headless)
fi
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing ${need_apt[*]}; run as root or install them" >&2
    exit 1
  fi
  echo "setup: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
echo "setup: ready ($(java -version 2>&1 | head -n 1))"
