#!/usr/bin/env bash
# Installs what awslab needs on Debian 12, only when something is missing.
#   scripts/deps.sh build   compilers and libraries
#   scripts/deps.sh test    also the real AWS clients the tests drive
#   scripts/deps.sh fuzz    also clang and its libFuzzer and sanitizer runtimes
set -euo pipefail
what="${1:-build}"

build_pkgs=(g++ cmake ninja-build pkg-config libboost1.81-dev libboost-json1.81-dev
            libleveldb-dev libsnappy-dev libssl-dev libpugixml-dev libgtest-dev)
test_pkgs=(awscli python3-boto3 python3-boto python3-botocore python3-pandas curl nodejs npm
           s3cmd rclone chromium openssh-client openssl
           openmpi-bin libopenmpi-dev)  # awslab-wordcount-mpi is built and tested where MPI is

fuzz_pkgs=(clang libclang-rt-14-dev)

pkgs=("${build_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${test_pkgs[@]}")
[ "$what" = fuzz ] && pkgs+=("${fuzz_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  # A package counts as present when dpkg has it installed (npm may come
  # with a nodejs from another origin: then `npm` on PATH is enough).
  if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
  if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
