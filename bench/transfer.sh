#!/bin/bash
# The awslab CLI against the aws CLI: `s3 cp` of 1 GiB up and down (multipart,
# 8 MiB parts, both tools' defaults) against one awslab-server on loopback,
# twice each, and the awslab CLI's peak RSS. Usage: BUILD_DIR=build bench/transfer.sh
set -e
B=${BUILD_DIR:-build}
D=$(mktemp -d /tmp/meas-XXXX)
$B/emulator/awslab-server --port 0 --port-file $D/port --data-dir $D/data --quiet > $D/log 2>&1 &
PID=$!
while [ ! -s $D/port ]; do sleep 0.1; done
PORT=$(cat $D/port)
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
E=http://127.0.0.1:$PORT
head -c 1073741824 /dev/urandom > $D/big.bin
$B/client/awslab --endpoint-url $E s3 mb s3://meas > /dev/null
t() { local s=$(date +%s.%N); "$@" > /dev/null; local e=$(date +%s.%N); echo "$(echo "$e - $s" | bc)"; }
for i in 1 2; do
  echo "awslab up:   $(t $B/client/awslab --endpoint-url $E s3 cp $D/big.bin s3://meas/a.bin) s"
  echo "awslab down: $(t $B/client/awslab --endpoint-url $E s3 cp s3://meas/a.bin $D/a.out) s"
  echo "aws up:      $(t /usr/bin/aws --endpoint-url $E s3 cp $D/big.bin s3://meas/b.bin) s"
  echo "aws down:    $(t /usr/bin/aws --endpoint-url $E s3 cp s3://meas/b.bin $D/b.out) s"
done
cmp $D/big.bin $D/a.out && cmp $D/big.bin $D/b.out && echo identical
/usr/bin/time -f "awslab up peak RSS %M KiB" $B/client/awslab --endpoint-url $E s3 cp $D/big.bin s3://meas/c.bin > /dev/null
/usr/bin/time -f "awslab down peak RSS %M KiB" $B/client/awslab --endpoint-url $E s3 cp s3://meas/c.bin $D/c.out > /dev/null
kill $PID; wait $PID || true
rm -rf $D
