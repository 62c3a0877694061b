// Help texts of the awslab CLI (`awslab --help`, `awslab s3 cp --help`,
// `awslab help s3`). docs/cli.md is the long form.
#include <string>
#include <string_view>

#include "client/cli/cli.h"

namespace awslab::cli {

namespace {

struct Topic {
  std::string_view name;
  std::string_view usage;
  std::string_view text;
};

constexpr std::string_view kGlobal = R"(
Global options (before or after the command, as the aws CLI takes them):
  --profile NAME        the profile of ~/.aws/credentials and ~/.aws/config
  --region REGION       the region (default: AWS_REGION, the profile's, us-east-1)
  --endpoint-url URL    talk to awslab-server (http://127.0.0.1:4566) instead of AWS
  --output FORMAT       table (default), json or text
  --ca-bundle FILE      trust the CAs of this PEM file (awslab-server's <data-dir>/tls/ca.pem)
  --no-verify-ssl       do not verify TLS certificates
  --no-sign-request     send anonymous requests (no credentials)
  --cli-connect-timeout SECONDS, --cli-read-timeout SECONDS
  --debug               print every request's method, URL and status on stderr
  --help, -h            this help (also `awslab help`, `awslab <command> help`)
)";

constexpr Topic kTopics[] = {
    {"", "awslab [options] <command> <subcommand> [parameters]",
     R"(The awslab CLI: S3, EC2 and the bill, against awslab-server or against AWS.

Commands:
  s3      ls, mb, rb, cp, mv, rm, sync, presign (as `aws s3`)
  ec2     run, ls, start, stop, reboot, terminate, wait, keypair, ssh-config
  bill    this account's charges by service and by resource and usage type
  wordcount  count the words under an S3 prefix: sequential, threads, processes
  admin   accounts, clock, bill (the teacher's commands; awslab-server only)

Configuration comes from the flags, then AWS_* environment variables, then the
profile in ~/.aws/credentials and ~/.aws/config (region, endpoint_url, an
"s3 =" section with "addressing_style = path"), as in every AWS SDK.

Return codes: 0 success; 1 an s3 transfer failed (or ls found nothing under a
prefix); 2 s3 files were skipped; 130 interrupted; 252 bad usage;
253 configuration or credentials missing; 254 the service answered with an
error; 255 anything else (connection refused, local file errors).

Examples:
  awslab --endpoint-url http://127.0.0.1:4566 s3 mb s3://data
  awslab s3 cp results.csv s3://data/ --endpoint-url http://127.0.0.1:4566
  awslab ec2 run --image-id ami-d1737bb8 --instance-type t2.micro --key-name course
  awslab bill --output json
)"},
    {"s3", "awslab s3 <subcommand> [parameters]",
     R"(S3 commands, as the aws CLI's `aws s3`:
  ls [s3://bucket[/prefix]] [--recursive] [--human-readable] [--summarize]
  mb s3://bucket
  rb s3://bucket [--force]
  cp <source> <dest> [--recursive] [--content-type T] [--acl ACL] ...
  mv <source> <dest> [--recursive] ...
  rm s3://bucket/key [--recursive]
  sync <source> <dest> [--delete] [--exact-timestamps] [--size-only] ...
  presign s3://bucket/key [--expires-in SECONDS]
Paths are s3://bucket/key or local paths; "-" is stdin or stdout for cp.
Run `awslab s3 <subcommand> --help` for each one's options.
)"},
    {"s3 ls", "awslab s3 ls [s3://bucket[/prefix]] [--recursive] [--human-readable] [--summarize]",
     R"(Lists buckets (no path), or the objects and folders ("PRE dir/") under a
prefix, as `aws s3 ls` prints them: local date and time, size, name.
  --recursive        every key under the prefix, with its whole name
  --human-readable   sizes as 1.5 MiB
  --summarize        the number of objects and their total size at the end
  --page-size N      keys per ListObjectsV2 request
With --output json given on the command line, prints JSON instead.
Returns 1 when a prefix was given and nothing matched it.
)"},
    {"s3 mb", "awslab s3 mb s3://bucket",
     "Makes a bucket (in the configured region). Prints \"make_bucket: NAME\".\n"},
    {"s3 rb", "awslab s3 rb s3://bucket [--force]",
     "Removes an empty bucket; --force deletes its objects first. Prints \"remove_bucket: NAME\".\n"},
    {"s3 cp",
     "awslab s3 cp <LocalPath|S3Uri|-> <LocalPath|S3Uri|-> [--recursive] [--content-type T] "
     "[--acl ACL] [--exclude P] [--include P] [--dryrun] [--quiet] [--only-show-errors] "
     "[--no-progress]",
     R"(Copies a file or object: local to S3 (upload), S3 to local (download), S3
to S3 (copy), stdin to S3 (cp - s3://b/k), S3 to stdout (cp s3://b/k -).
A destination ending in "/" (or a bucket, or an existing folder) takes the
source's name. Files of 8 MiB and more go as multipart uploads and parallel
ranged downloads. Prints "upload: ./x to s3://b/x" lines; with stdout on a
terminal, a progress line on stderr.
  --recursive         a whole folder or prefix
  --content-type T    the objects' Content-Type (default: guessed from the name)
  --acl ACL           a canned ACL: private, public-read, ...
  --storage-class C, --cache-control V
  --exclude P, --include P   fnmatch patterns on the path below the source
                      (the last that matches decides)
  --dryrun            print what would be done
  --quiet, --only-show-errors, --no-progress
)"},
    {"s3 mv", "awslab s3 mv <source> <dest> [--recursive] [options of cp]",
     "Moves: copies as `cp` does, then deletes the source. Prints \"move: SRC to DEST\".\n"},
    {"s3 rm", "awslab s3 rm s3://bucket/key [--recursive] [--exclude P] [--include P] [--dryrun] [--quiet]",
     "Deletes an object, or every object under a prefix with --recursive (DeleteObjects, 1,000 a request).\n"},
    {"s3 sync",
     "awslab s3 sync <LocalPath|S3Uri> <LocalPath|S3Uri> [--delete] [--exact-timestamps] "
     "[--size-only] [options of cp]",
     R"(Makes the destination folder or prefix hold the source's files: copies a
file when it is missing at the destination, its size differs, or the source
is newer (whole seconds). Downloaded files get the object's time, so a second
sync copies nothing.
  --delete            delete destination files the source does not have
  --exact-timestamps  copy same-sized files whose times differ at all
  --size-only         compare sizes only
)"},
    {"s3 presign", "awslab s3 presign s3://bucket/key [--expires-in SECONDS]",
     "Prints a presigned GET URL, valid --expires-in seconds (default 3600, at most 604800).\n"},
    {"ec2", "awslab ec2 <subcommand> [parameters]",
     R"(EC2 commands:
  run --image-id AMI --instance-type TYPE [--count N] [--key-name K]
      [--security-group-ids SG...] [--spot] [--tag KEY=VALUE...]
  ls [ID...] [--filter Name=NAME,Values=V1,V2]
  start|stop|reboot|terminate ID...
  wait running|stopped|terminated ID...
  keypair create NAME [--out FILE] | keypair ls | keypair delete NAME
  ssh-config ID [--user ec2-user] [--identity FILE] [--host-alias NAME]
)"},
    {"ec2 run",
     "awslab ec2 run --image-id AMI [--instance-type TYPE] [--count N] [--key-name K] "
     "[--security-group-ids SG...] [--security-groups NAME...] [--subnet-id S] "
     "[--availability-zone Z] [--user-data TEXT|file://F] [--spot] [--tag KEY=VALUE...]",
     "Launches instances (RunInstances) and prints them as `ec2 ls` does.\n"},
    {"ec2 ls", "awslab ec2 ls [ID...] [--filter Name=NAME,Values=V1,V2 ...]",
     R"(Lists instances: id, state, type, public IP, Name tag. Filters are EC2's
(instance-state-name, instance-type, tag:Name, ...), in the aws CLI's
shorthand or as NAME=V1,V2. JSON output holds more of each instance.
)"},
    {"ec2 start", "awslab ec2 start ID...", "Starts stopped instances.\n"},
    {"ec2 stop", "awslab ec2 stop ID... [--force]", "Stops running instances.\n"},
    {"ec2 reboot", "awslab ec2 reboot ID...", "Reboots instances (prints nothing).\n"},
    {"ec2 terminate", "awslab ec2 terminate ID...", "Terminates instances.\n"},
    {"ec2 wait", "awslab ec2 wait running|stopped|terminated ID... [--delay S] [--max-attempts N]",
     "Waits until every instance is in the state (every 15 s, 40 times, as the aws CLI);\n"
     "returns 255 when the waiter gives up.\n"},
    {"ec2 keypair", "awslab ec2 keypair create|ls|delete ...",
     "  create NAME [--out FILE] [--key-type rsa|ed25519]\n  ls [NAME...]\n  delete NAME\n"},
    {"ec2 keypair create", "awslab ec2 keypair create NAME [--out FILE] [--key-type rsa|ed25519]",
     "Creates a key pair and writes its private key to NAME.pem (or FILE) with mode\n"
     "0400; refuses to overwrite an existing file.\n"},
    {"ec2 keypair ls", "awslab ec2 keypair ls [NAME...]", "Lists key pairs.\n"},
    {"ec2 keypair delete", "awslab ec2 keypair delete NAME", "Deletes a key pair.\n"},
    {"ec2 ssh-config",
     "awslab ec2 ssh-config ID [--user ec2-user] [--identity FILE] [--host-alias NAME] [--use-dns]",
     R"(Prints the ~/.ssh/config block for an instance, with its current public
address (it changes at every start):
  Host NAME
      HostName 54.12.34.56
      User ec2-user
      IdentityFile /home/me/course.pem
The alias defaults to the Name tag (or the id); the identity to KEY.pem in the
current folder when it exists, else ~/.ssh/KEY.pem.
)"},
    {"bill", "awslab bill [--start DATE] [--end DATE] [--account ID] [--cost-explorer]",
     R"(This account's charges by service and by resource and usage type.
Against awslab: GET /_awslab/billing (per resource; default period: the
simulation clock's month so far; --account: another account, admin keys
only). Against AWS (no endpoint), or with --cost-explorer: Cost Explorer's
GetCostAndUsage by SERVICE and USAGE_TYPE (default period: this month).
DATE: YYYY-MM-DD (awslab also takes YYYY-MM-DDThh:mm:ssZ); --end is exclusive.
)"},
    {"wordcount",
     "awslab wordcount s3://bucket[/prefix] [--mode sequential|threads|processes|all] "
     "[--workers N] [--output s3://bucket/key.json] [--top K] [--field NAME] "
     "[--split-size BYTES] [--chunk-size BYTES] [--download-only]",
     R"(Counts the words of every object under an S3 prefix, as the course's
high-performance lesson does in Python: a word is what str.split() splits out
(runs of whitespace; on ASCII text the total equals `wc -w`).
  --mode sequential   one object after another on one connection
  --mode threads      N threads sharing the work, each with its own connection (default)
  --mode processes    N worker processes, each with its own client, counts back over pipes
  --mode all          the three on the same input: a table of time, MB/s and speed-up
  --workers N         threads or processes (default: the number of CPUs)
  --output s3://B/K   write the result (total, per-object counts, top words, timings) as JSON
  --top K             the K most frequent words
  --field NAME        JSON lines: count the words of this string field (reviewText)
  --split-size BYTES  parallel modes count objects larger than this in ranges of it
                      (default 8388608; 0: never split)
  --chunk-size BYTES  feed the counter at most this many bytes at a time (testing)
  --download-only     download without counting (the baseline of bench/wordcount.sh)
Objects are counted as they download, never held whole in memory. An S3 error
(NoSuchBucket, AccessDenied, ...) ends the command with the error and 254
before anything is written.
Examples:
  awslab wordcount s3://corpus/books/ --mode all --workers 4
  awslab wordcount s3://reviews/ --field reviewText --top 10 --output s3://results/count.json
)"},
    {"admin", "awslab admin accounts|clock|bill|class [parameters]",
     R"(The teacher's commands (awslab-server, an admin key):
  accounts                 the accounts (GET /_awslab/accounts)
  clock [--advance PT3H]   read or move the simulation clock
  bill [--start D] [--end D]   every account's total (GET /_awslab/billing/class)
  class create --students N    an account per student and the teacher, their files
  class report             every account's resources and bill
)"},
    {"admin accounts", "awslab admin accounts", "Lists awslab-server's accounts.\n"},
    {"admin clock", "awslab admin clock [--advance DURATION]",
     "Prints the simulation clock; --advance moves it forward by an ISO 8601\n"
     "duration (PT10S, PT3H, P1DT2H).\n"},
    {"admin bill", "awslab admin bill [--start DATE] [--end DATE]",
     "Every account's total over the period (the class's bill).\n"},
    {"admin class",
     "awslab admin class create --students N [--prefix student] [--teacher teacher] "
     "[--dir class] [--budget USD] [--student-endpoint URL]\n"
     "       awslab admin class report [--start DATE] [--end DATE]",
     R"(create: one account for the teacher (an admin) and one per student
(student01, student02, ...), each with an access key, made on the server;
then in --dir (default ./class), per account <name>/credentials (profile
awslab, as ~/.aws/credentials holds it), <name>/config (region and
endpoint_url) and <name>/awslab.env (. it: every client uses awslab), and
sheet.html (one printable page per person), sheet.txt, class.json (every
secret: keep it private). Nothing is made when a name is taken.
--student-endpoint: the URL students reach the server at (default: the one
this command uses). --budget: each student's monthly budget in USD.

report: per account, the instances (running and otherwise), Elastic IPs,
volumes and buckets it holds now, and its bill over the period (default:
the clock's month so far).
)"},
};

const Topic* Find(std::string_view name) {
  for (const Topic& t : kTopics)
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace

bool PrintHelp(std::string_view topic) {
  const Topic* t = Find(topic);
  if (!t) return false;
  std::string text = "usage: " + std::string(t->usage) + "\n\n" + std::string(t->text);
  text += kGlobal;
  Out(text);
  return true;
}

std::string UsageOf(std::string_view topic) {
  const Topic* t = Find(topic);
  return t ? std::string(t->usage) : "awslab [options] <command> <subcommand> [parameters]";
}

}  // namespace awslab::cli
