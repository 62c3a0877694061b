// awslab-server: flags -> configuration -> run. Nothing else lives here.
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>

#include "client/include/awslab/args.h"
#include "emulator/api/admin_api.h"
#include "emulator/api/ec2_api.h"
#include "emulator/api/front.h"
#include "emulator/api/iam_api.h"
#include "emulator/api/s3_api.h"
#include "emulator/auth/accounts.h"
#include "emulator/auth/authenticator.h"
#include "emulator/base/clock.h"
#include "emulator/billing/biller.h"
#include "emulator/billing/money.h"
#include "emulator/billing/prices.h"
#include "emulator/ec2/ec2_store.h"
#include "emulator/iam/iam_store.h"
#include "emulator/net/server.h"
#include "emulator/net/tls.h"
#include "emulator/s3/lifecycle_sweeper.h"
#include "emulator/s3/s3_store.h"
#include "emulator/storage/storage.h"

namespace {

constexpr std::string_view kUsage = R"(usage: awslab-server [flags]

A local AWS: S3 and EC2 on one port, state in a LevelDB data directory.
With TLS the port speaks HTTPS as well as HTTP (each connection's first byte
decides).

  --host ADDR              address to listen on (default 127.0.0.1)
  --port N                 port (default 4566; 0 picks a free one)
  --data-dir DIR           where state lives (default ./awslab-data)
  --region NAME            the server's default region (default us-east-1)
  --threads N              I/O threads (default: one per core)
  --accounts FILE          add the accounts and keys of a JSON file
  --rules classic|current  which era of AWS to imitate (default classic, the
                           course's: new buckets without Block Public Access,
                           ACLs on; current: AWS since April 2023)
  --time-scale N           simulated seconds per wall second (default 1; 0
                           freezes the clock: it moves only through the
                           admin API)
  --clock-start TIME       where a fresh data dir's simulation clock starts
                           (2013-04-01 or 2013-04-01T09:00:00Z; default now)
  --billing hourly|per-second  the billing rules (default hourly under
                           --rules classic, per-second under current)
  --free-tier              every account gets AWS's free tier
  --budget USD             a monthly budget for every account without one
  --spot-fraction F        spot price as a fraction of on-demand (default 0.3)
  --ec2-pending SECONDS    how long an instance is pending (default 5)
  --ec2-spot-pending SECONDS  the same for a spot instance (default 15)
  --ec2-stopping SECONDS   how long it is stopping (default 5)
  --ec2-shutting-down SECONDS  how long it is shutting down (default 5)
  --ec2-terminated-visible SECONDS  how long a terminated instance is still
                           described (default 3600, as AWS's "about an hour")
  --ec2-instance-limit N   instances per account and region (default 20)
  --fsync                  make acknowledged writes survive a machine crash
  --min-free-space SIZE    refuse writes (SlowDown) that would leave less
                           free space on the data dir's disk (default 64M;
                           K, M, G suffixes; 0 turns the check off)
  --virtual-host-domains D comma-separated base domains for virtual-hosted
                           buckets (default localhost,s3.localhost,s3.amazonaws.com)
  --website-domains D      comma-separated base domains of the static website
                           endpoint: BUCKET.s3-website.D (default localhost)
  --idle-timeout SECONDS   close idle connections after this (default 60)
  --io-timeout SECONDS     longest stall of a body read or write (default 60)
  --tls-cert FILE          serve HTTPS too, with this PEM certificate (the
                           server's first, then any intermediates)
  --tls-key FILE           the certificate's PEM private key (not encrypted)
  --tls-self-signed        serve HTTPS too, with a CA and a server certificate
                           made in DATA-DIR/tls/ on first start (for localhost,
                           the virtual-host domains, 127.0.0.1 and ::1); clients
                           trust DATA-DIR/tls/ca.pem (aws --ca-bundle)
  --console-dir DIR        serve the web console (/_awslab/console/) from DIR
                           (emulator/console) instead of the files built in:
                           edit a page and reload, without a rebuild
  --quiet                  no access log
  --port-file FILE         write the bound port to FILE once listening
  --help                   this text
)";

struct Flags {
  awslab::net::ServerOptions server;
  std::filesystem::path data_dir = "./awslab-data";
  std::string region = "us-east-1";
  std::string accounts_file;
  std::string port_file;
  std::string console_dir;
  bool fsync = false;
  std::uint64_t min_free_bytes = awslab::storage::StorageOptions::kDefaultMinFreeBytes;
  awslab::Rules rules = awslab::Rules::kClassic;
  std::vector<std::string> vhost_domains;
  std::vector<std::string> website_domains;
  double time_scale = 1.0;
  std::optional<awslab::TimePoint> clock_start;
  awslab::ec2::Ec2Options ec2;
  std::optional<awslab::billing::Rules> billing;
  awslab::billing::BillingOptions billing_options;
  std::optional<awslab::billing::Nano> budget;
  std::string tls_cert;
  std::string tls_key;
  bool tls_self_signed = false;
};

bool ParseDouble(std::string_view s, double& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseSeconds(std::string_view s, std::chrono::milliseconds& out) {
  double v = 0;
  if (!ParseDouble(s, v) || v < 0 || v > 86400) return false;
  out = std::chrono::milliseconds(static_cast<long long>(v * 1000));
  return true;
}

bool ParseInt(std::string_view s, long long& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// 64M, 512K, 1G or plain bytes (powers of 1024).
bool ParseSize(std::string_view s, std::uint64_t& out) {
  std::uint64_t unit = 1;
  if (!s.empty()) {
    switch (s.back()) {
      case 'K': unit = 1ull << 10; break;
      case 'M': unit = 1ull << 20; break;
      case 'G': unit = 1ull << 30; break;
      default: break;
    }
    if (unit != 1) s.remove_suffix(1);
  }
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty() || v > (1ull << 50) / unit)
    return false;
  out = v * unit;
  return true;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "awslab-server: %s\n", message.c_str());
  return 2;
}

}  // namespace

// A GET of an object made of many parts holds one descriptor per part, and
// every connection holds one: lift the soft limit to the hard one, as nginx's
// worker_rlimit_nofile does.
static void RaiseFileLimit() {
  struct rlimit limit;
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int main(int argc, char** argv) {
  RaiseFileLimit();
  Flags flags;
  for (awslab::args::Reader args(argc, argv); args.Next();) {
    std::string_view name = args.name();
    std::string value;
    auto next = [&] { return args.Value(value); };
    long long n = 0;
    if (name == "--help" || name == "-h") {
      std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
      return 0;
    } else if (name == "--host") {
      if (!next()) return Fail("--host needs a value");
      flags.server.host = value;
    } else if (name == "--port") {
      if (!next() || !ParseInt(value, n) || n < 0 || n > 65535)
        return Fail("--port needs a number from 0 to 65535");
      flags.server.port = static_cast<std::uint16_t>(n);
    } else if (name == "--data-dir") {
      if (!next()) return Fail("--data-dir needs a value");
      flags.data_dir = value;
    } else if (name == "--region") {
      if (!next()) return Fail("--region needs a value");
      flags.region = value;
    } else if (name == "--threads") {
      if (!next() || !ParseInt(value, n) || n < 1 || n > 256)
        return Fail("--threads needs a number from 1 to 256");
      flags.server.threads = static_cast<int>(n);
    } else if (name == "--accounts") {
      if (!next()) return Fail("--accounts needs a file");
      flags.accounts_file = value;
    } else if (name == "--console-dir") {
      if (!next()) return Fail("--console-dir needs a folder");
      if (!std::filesystem::is_regular_file(std::filesystem::path(value) / "index.html"))
        return Fail("--console-dir " + std::string(value) + ": no index.html there");
      flags.console_dir = value;
    } else if (name == "--port-file") {
      if (!next()) return Fail("--port-file needs a file");
      flags.port_file = value;
    } else if (name == "--rules") {
      if (!next() || !awslab::ParseRules(value)) return Fail("--rules needs classic or current");
      flags.rules = *awslab::ParseRules(value);
    } else if (name == "--time-scale") {
      double scale = 0;
      if (!next() || !ParseDouble(value, scale) || scale < 0 || scale > 1e6)
        return Fail("--time-scale needs a number from 0 (a frozen clock) to 1000000");
      flags.time_scale = scale;
    } else if (name == "--clock-start") {
      std::optional<awslab::billing::Seconds> t;
      if (!next() || !(t = awslab::billing::ParseDateTime(value)))
        return Fail("--clock-start needs a date (2013-04-01) or a time (2013-04-01T09:00:00Z)");
      flags.clock_start = awslab::TimePoint(std::chrono::seconds(*t));
    } else if (name == "--billing") {
      if (!next() || !awslab::billing::ParseRules(value))
        return Fail("--billing needs hourly or per-second");
      flags.billing = awslab::billing::ParseRules(value);
    } else if (name == "--free-tier") {
      flags.billing_options.free_tier = true;
    } else if (name == "--budget") {
      std::optional<awslab::billing::Nano> b;
      if (!next() || !(b = awslab::billing::ParseNano(value)) || *b <= 0)
        return Fail("--budget needs an amount in USD above 0 (25 or 25.00)");
      flags.budget = b;
    } else if (name == "--spot-fraction") {
      std::optional<awslab::billing::Nano> f;
      if (!next() || !(f = awslab::billing::ParseNano(value)) || *f <= 0 ||
          *f > awslab::billing::kNanoPerUnit)
        return Fail("--spot-fraction needs a number above 0, at most 1");
      flags.billing_options.spot_fraction = f;
    } else if (name == "--ec2-pending" || name == "--ec2-spot-pending" ||
               name == "--ec2-stopping" || name == "--ec2-shutting-down" ||
               name == "--ec2-terminated-visible") {
      auto& t = flags.ec2.timings;
      auto& target = name == "--ec2-pending"        ? t.pending
                     : name == "--ec2-spot-pending" ? t.spot_pending
                     : name == "--ec2-stopping"     ? t.stopping
                     : name == "--ec2-shutting-down" ? t.shutting_down
                                                    : t.terminated_visible;
      if (!next() || !ParseSeconds(value, target))
        return Fail(std::string(name) + " needs seconds from 0 to 86400");
    } else if (name == "--ec2-instance-limit") {
      if (!next() || !ParseInt(value, n) || n < 1 || n > 1000000)
        return Fail("--ec2-instance-limit needs a number from 1 to 1000000");
      flags.ec2.instance_limit = static_cast<int>(n);
    } else if (name == "--fsync") {
      flags.fsync = true;
    } else if (name == "--min-free-space") {
      if (!next() || !ParseSize(value, flags.min_free_bytes))
        return Fail("--min-free-space needs a size: bytes, or a number with K, M or G");
    } else if (name == "--tls-cert" || name == "--tls-key") {
      if (!next() || value.empty()) return Fail(std::string(name) + " needs a file");
      (name == "--tls-cert" ? flags.tls_cert : flags.tls_key) = value;
    } else if (name == "--tls-self-signed") {
      flags.tls_self_signed = true;
    } else if (name == "--quiet") {
      flags.server.access_log = false;
    } else if (name == "--virtual-host-domains") {
      if (!next()) return Fail("--virtual-host-domains needs a value");
      flags.vhost_domains = awslab::args::SplitComma(value);
    } else if (name == "--website-domains") {
      if (!next()) return Fail("--website-domains needs a value");
      flags.website_domains = awslab::args::SplitComma(value);
    } else if (name == "--idle-timeout" || name == "--io-timeout") {
      if (!next() || !ParseInt(value, n) || n < 1) return Fail(std::string(name) + " needs seconds");
      (name == "--idle-timeout" ? flags.server.idle_timeout : flags.server.io_timeout) =
          std::chrono::seconds(n);
    } else {
      return Fail("unknown flag " + std::string(args.arg()) + " (see --help)");
    }
  }

  if (flags.tls_cert.empty() != flags.tls_key.empty())
    return Fail("--tls-cert and --tls-key go together");
  if (flags.tls_self_signed && !flags.tls_cert.empty())
    return Fail("--tls-self-signed makes its own certificate: give it or --tls-cert, not both");

  using namespace awslab;
  const std::vector<std::string> vhost_domains =
      flags.vhost_domains.empty() ? router::S3Addressing().virtual_host_domains
                                  : flags.vhost_domains;
  // The user's certificate is checked before the data dir is touched.
  if (!flags.tls_cert.empty()) {
    auto tls = net::LoadTlsContext(flags.tls_cert, flags.tls_key);
    if (!tls) return Fail("TLS: " + std::string(tls.error().Message()));
    flags.server.tls = *tls;
  }
  auto storage =
      storage::Storage::Open({flags.data_dir, flags.fsync, nullptr, flags.min_free_bytes, {}});
  if (!storage) return Fail("cannot open data dir: " + std::string(storage.error().Message()));
  // After the storage, whose lock keeps a second server off the same files.
  if (flags.tls_self_signed) {
    auto files = net::EnsureSelfSigned(flags.data_dir / "tls",
                                       net::SelfSignedNames(vhost_domains, flags.server.host));
    if (!files) return Fail("TLS: " + std::string(files.error().Message()));
    auto tls = net::LoadSelfSignedTlsContext(*files, vhost_domains);
    if (!tls) return Fail("TLS: " + std::string(tls.error().Message()));
    flags.server.tls = *tls;
    if (files->new_ca)
      std::fprintf(stderr, "TLS: made a new CA and server certificate in %s\n",
                   files->ca_cert.parent_path().c_str());
    else if (files->new_cert)
      std::fprintf(stderr, "TLS: made a new server certificate (%s), signed by the same CA\n",
                   files->cert.c_str());
    std::fprintf(stderr, "TLS: CA certificate at %s (use --ca-bundle %s)\n",
                 files->ca_cert.c_str(), files->ca_cert.c_str());
  }
  auto accounts = auth::AccountStore::Open(**storage);
  if (!accounts) return Fail(std::string(accounts.error().Message()));
  if (!flags.accounts_file.empty()) {
    if (auto st = (*accounts)->LoadFile(flags.accounts_file); !st)
      return Fail(std::string(st.error().Message()));
  }
  for (const auth::Account& a : (*accounts)->ListAccounts())
    if (!a.budget_usd.empty() && !billing::ParseNano(a.budget_usd))
      return Fail("account " + a.id + ": budget_usd " + a.budget_usd + " is not an amount");
  auto restored = api::RestoreClockStart(**storage);
  SimulationClock sim_clock(flags.time_scale, restored ? restored : flags.clock_start);
  SystemClock wall_clock;
  flags.ec2.rules = flags.rules;
  ec2::Ec2Store ec2_store(**storage, sim_clock, flags.ec2);
  auto latest = ec2_store.Load();
  if (!latest) return Fail(std::string(latest.error().Message()));
  // Time never runs back behind what the state already recorded.
  sim_clock.EnsureAtLeast(*latest);
  s3::S3Store store(**storage, sim_clock);
  store.set_rules(flags.rules);
  billing::S3Meters meters(**storage, [&store](std::string_view bucket) {
    return store.Survey(bucket);
  });
  store.set_meters(&meters);
  meters.StartFlusher(std::chrono::seconds(1));
  flags.billing_options.rules = flags.billing.value_or(
      flags.rules == Rules::kClassic ? billing::Rules::kHourly : billing::Rules::kPerSecond);
  billing::Biller biller(ec2_store, meters, sim_clock, flags.billing_options);
  ec2_store.set_prices([&biller](std::string_view type) -> std::optional<ec2::SpotQuote> {
    auto od = billing::PriceList::InstanceHour(type);
    if (!od) return std::nullopt;
    return ec2::SpotQuote{*od, billing::MulDivRound(*od, biller.spot_fraction(),
                                                    billing::kNanoPerUnit)};
  });
  iam::IamStore iam_store(**storage, sim_clock);
  if (auto st = iam_store.Load(); !st) return Fail(std::string(st.error().Message()));
  auth::Authenticator authenticator(**accounts, wall_clock, &iam_store);
  api::S3ApiOptions api_options;
  api_options.region = flags.region;
  api_options.addressing.virtual_host_domains = vhost_domains;
  if (!flags.website_domains.empty())
    api_options.addressing.website_domains = flags.website_domains;
  api::S3Api s3_api(store, **accounts, authenticator, api_options);
  s3_api.set_meters(&meters);

  api::Ec2Api ec2_api(ec2_store, authenticator, flags.region);
  api::AdminApi admin_api(sim_clock, **storage, authenticator);
  admin_api.set_billing(&biller, accounts->get(), flags.budget);
  admin_api.set_resources(&ec2_store, &store);
  // Lifecycle rules expire objects on the simulation clock: now (after a
  // restart, what expired while the server was down), every second, and
  // through every move of the clock.
  s3::LifecycleSweeper lifecycle(store, sim_clock);
  lifecycle.Sweep();
  lifecycle.Start(std::chrono::seconds(1));
  admin_api.set_advance([&lifecycle](std::chrono::nanoseconds by) { lifecycle.Advance(by); });
  api::CeApi ce_api(biller, authenticator);
  api::ConsoleApi console_api(flags.console_dir);
  api::IamApi iam_api(iam_store, authenticator);
  api::Front front(s3_api, ec2_api, admin_api, ce_api, console_api, &iam_api);

  net::Server server(flags.server, front);
  if (auto st = server.Listen(); !st) return Fail(std::string(st.error().Message()));
  if (flags.server.host != "127.0.0.1" && flags.server.host != "::1" &&
      flags.server.host != "localhost") {
    std::fprintf(stderr,
                 "WARNING: listening on %s, not loopback: anyone who can reach this address "
                 "can use this server.\n",
                 flags.server.host.c_str());
  }
  if (!flags.port_file.empty()) {
    std::string tmp = flags.port_file + ".tmp";
    if (FILE* f = std::fopen(tmp.c_str(), "w")) {
      std::fprintf(f, "%u\n", server.port());
      std::fclose(f);
      std::rename(tmp.c_str(), flags.port_file.c_str());
    }
  }
  if (flags.server.tls) {
    std::fprintf(stderr,
                 "awslab-server listening on http://%s:%u and https://%s:%u (one port; data dir "
                 "%s, pid %d)\n",
                 flags.server.host.c_str(), server.port(), flags.server.host.c_str(),
                 server.port(), flags.data_dir.c_str(), static_cast<int>(::getpid()));
  } else {
    std::fprintf(stderr, "awslab-server listening on http://%s:%u (data dir %s, pid %d)\n",
                 flags.server.host.c_str(), server.port(), flags.data_dir.c_str(),
                 static_cast<int>(::getpid()));
  }
  server.Run();
  (void)api::SaveClock(**storage, sim_clock);
  std::fprintf(stderr, "awslab-server stopped\n");
  return 0;
}
