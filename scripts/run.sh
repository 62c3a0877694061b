#!/usr/bin/env bash
# Builds awslab-server and runs it on 127.0.0.1:4566 with its data in
# ./awslab-data. Extra arguments go to the server (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
scripts/build.sh -DAWSLAB_BUILD_TESTS=OFF -DAWSLAB_BUILD_BENCH=OFF
port=4566
for a in "$@"; do case "$a" in --port=*) port="${a#--port=}";; esac; done
cat <<TXT

awslab is starting at http://127.0.0.1:${port}
  access key: test    secret key: test    region: us-east-1

Try it (in another terminal):
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url http://127.0.0.1:${port} s3 mb s3://my-first-bucket
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url http://127.0.0.1:${port} s3 cp README.md s3://my-first-bucket/
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url http://127.0.0.1:${port} s3 ls s3://my-first-bucket

TXT
exec build/emulator/awslab-server --data-dir ./awslab-data "$@"
