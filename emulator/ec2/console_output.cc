// GetConsoleOutput's text: a boot log in the shape of the image's distribution.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetConsoleOutput.html
//
// What a student checks is real: the SSH host key fingerprints that cloud-init prints
// ("-----BEGIN SSH HOST KEY FINGERPRINTS-----", then the keys themselves) are the base64 SHA-256
// of the key blobs printed beneath them, as `ssh-keygen -lf` computes them. The keys are
// derived from the instance id, so one instance always prints the same ones.
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emulator/ec2/catalog.h"

namespace awslab::ec2 {
namespace {

using Bytes = std::string;  // binary

// ---------------------------------------------------------------------------
// Host keys
// ---------------------------------------------------------------------------

Bytes Sha256(std::string_view data) {
  Bytes digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

// Key material for one host key of one instance: SHA-256 over the instance id, the key type and
// a counter, as many blocks as asked for.
Bytes DerivedBytes(std::string_view instance_id, std::string_view purpose, std::size_t size) {
  Bytes out;
  for (int block = 0; out.size() < size; ++block)
    out +=
        Sha256(std::string(instance_id) + "/" + std::string(purpose) + "/" + std::to_string(block));
  out.resize(size);
  return out;
}

std::string Base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// RFC 4251 section 5: "string" (and "mpint", given its bytes) is a uint32 length, then the bytes.
void AppendString(Bytes& blob, std::string_view bytes) {
  auto n = static_cast<std::uint32_t>(bytes.size());
  for (int shift = 24; shift >= 0; shift -= 8) blob += static_cast<char>((n >> shift) & 0xff);
  blob += bytes;
}

// An mpint whose first byte has the high bit set gets a leading zero byte (RFC 4251 section 5).
void AppendPositiveMpint(Bytes& blob, std::string_view magnitude) {
  if (!magnitude.empty() && (static_cast<unsigned char>(magnitude[0]) & 0x80))
    AppendString(blob, std::string(1, '\0') + std::string(magnitude));
  else
    AppendString(blob, magnitude);
}

struct HostKey {
  std::string_view algorithm;  // "ssh-ed25519"
  std::string_view label;      // "ED25519", as ssh-keygen -l prints it
  int bits = 0;
  Bytes blob;  // the public key in the SSH wire format
};

// RFC 8709 section 4: string "ssh-ed25519", string key. The private key is 32 derived bytes, so
// the public key printed is the real one for it.
std::optional<HostKey> Ed25519HostKey(std::string_view instance_id) {
  Bytes seed = DerivedBytes(instance_id, "ed25519", 32);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                   reinterpret_cast<const unsigned char*>(seed.data()), 32),
      EVP_PKEY_free);
  std::array<unsigned char, 32> pub{};
  std::size_t size = pub.size();
  if (!key || EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &size) != 1) return std::nullopt;
  HostKey host{"ssh-ed25519", "ED25519", 256, {}};
  AppendString(host.blob, host.algorithm);
  AppendString(host.blob, std::string_view(reinterpret_cast<const char*>(pub.data()), size));
  return host;
}

// RFC 5656 section 3.1: string "ecdsa-sha2-nistp256", string "nistp256", string Q (the
// uncompressed point). Q is d*G for a derived scalar d, so the key is a valid curve point.
std::optional<HostKey> EcdsaHostKey(std::string_view instance_id) {
  Bytes seed = DerivedBytes(instance_id, "ecdsa", 32);
  std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)> group(
      EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1), EC_GROUP_free);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> d(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(seed.data()), 32, nullptr), BN_free);
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), BN_CTX_free);
  if (!group || !d || !ctx) return std::nullopt;
  std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> q(EC_POINT_new(group.get()), EC_POINT_free);
  if (!q || BN_mod(d.get(), d.get(), EC_GROUP_get0_order(group.get()), ctx.get()) != 1) {
    return std::nullopt;
  }
  if (BN_is_zero(d.get())) BN_one(d.get());
  std::array<unsigned char, 65> point{};
  if (EC_POINT_mul(group.get(), q.get(), d.get(), nullptr, nullptr, ctx.get()) != 1 ||
      EC_POINT_point2oct(group.get(), q.get(), POINT_CONVERSION_UNCOMPRESSED, point.data(),
                         point.size(), ctx.get()) != point.size()) {
    return std::nullopt;
  }
  HostKey host{"ecdsa-sha2-nistp256", "ECDSA", 256, {}};
  AppendString(host.blob, host.algorithm);
  AppendString(host.blob, "nistp256");
  AppendString(host.blob, std::string_view(reinterpret_cast<const char*>(point.data()), 65));
  return host;
}

// RFC 4253 section 6.6: string "ssh-rsa", mpint e, mpint n. Generating a real 3072-bit key for
// each console read would take a second; n is 384 derived bytes (high and low bits set), which
// parses and fingerprints like a real key.
HostKey RsaHostKey(std::string_view instance_id) {
  Bytes n = DerivedBytes(instance_id, "rsa", 384);
  n.front() = static_cast<char>(static_cast<unsigned char>(n.front()) | 0xc0);
  n.back() = static_cast<char>(static_cast<unsigned char>(n.back()) | 0x01);
  HostKey host{"ssh-rsa", "RSA", 3072, {}};
  AppendString(host.blob, host.algorithm);
  AppendPositiveMpint(host.blob, std::string("\x01\x00\x01", 3));  // e = 65537
  AppendPositiveMpint(host.blob, n);
  return host;
}

// In cloud-init's order: ECDSA, ED25519, RSA.
std::vector<HostKey> HostKeys(std::string_view instance_id) {
  std::vector<HostKey> keys;
  if (auto ecdsa = EcdsaHostKey(instance_id)) keys.push_back(std::move(*ecdsa));
  if (auto ed25519 = Ed25519HostKey(instance_id)) keys.push_back(std::move(*ed25519));
  keys.push_back(RsaHostKey(instance_id));
  return keys;
}

// OpenSSH's default fingerprint: "SHA256:" and the digest in base64 without padding.
std::string Fingerprint(const HostKey& key) {
  std::string b64 = Base64(Sha256(key.blob));
  while (b64.ends_with('=')) b64.pop_back();
  return "SHA256:" + b64;
}

// ---------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------

using Clock = std::chrono::system_clock;

std::string FormatTime(Clock::time_point t, const char* format) {
  std::time_t seconds = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

Clock::time_point After(Clock::time_point boot, double seconds) {
  return boot + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// "[    5.123456] ", the kernel's timestamp prefix.
std::string Stamp(double seconds) {
  auto micros = static_cast<long long>(seconds * 1e6 + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "[%5lld.%06lld] ", micros / 1000000, micros % 1000000);
  return buf;
}

std::optional<std::uint32_t> ParseIpv4(std::string_view text) {
  std::uint32_t address = 0;
  int parts = 0;
  unsigned value = 0;
  int digits = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '.') {
      if (digits == 0 || value > 255 || ++parts > 4) return std::nullopt;
      address = (address << 8) | value;
      value = 0;
      digits = 0;
    } else if (text[i] >= '0' && text[i] <= '9' && digits < 3) {
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
      ++digits;
    } else {
      return std::nullopt;
    }
  }
  if (parts != 4) return std::nullopt;
  return address;
}

std::string Ipv4Text(std::uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
         std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff);
}

std::string_view ShortName(std::string_view hostname) {
  return hostname.substr(0, hostname.find('.'));
}

// An ENI's MAC address: locally administered, from the instance id.
std::string MacAddress(std::string_view instance_id) {
  Bytes bytes = DerivedBytes(instance_id, "mac", 5);
  std::string mac = "0a";
  char buf[4];
  for (unsigned char b : bytes) {
    std::snprintf(buf, sizeof buf, ":%02x", b);
    mac += buf;
  }
  return mac;
}

// cloud-init's "ci-info" tables (prettytable): a title row of '+', a rule, the header, a rule,
// the rows, a rule; every cell centred with one space either side at least.
std::vector<std::string> CiInfoTable(std::string_view title, const std::vector<std::string>& header,
                                     const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const std::string& h : header) widths.push_back(h.size() + 2);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size() + 2);
  auto format_row = [&](const std::vector<std::string>& cells) {
    std::string line = "|";
    for (std::size_t i = 0; i < cells.size(); ++i) {
      std::size_t pad = widths[i] - cells[i].size();
      line += std::string(pad / 2, ' ') + cells[i] + std::string(pad - pad / 2, ' ') + "|";
    }
    return line;
  };
  std::string rule = "+";
  for (std::size_t w : widths) rule += std::string(w, '-') + "+";
  std::size_t fill = rule.size() - std::min(rule.size(), title.size());
  std::vector<std::string> lines{
      std::string(fill / 2, '+') + std::string(title) + std::string(fill - fill / 2, '+'), rule,
      format_row(header), rule};
  for (const auto& row : rows) lines.push_back(format_row(row));
  lines.push_back(rule);
  return lines;
}

// ---------------------------------------------------------------------------
// Linux
// ---------------------------------------------------------------------------

struct LinuxDistro {
  std::string_view key;          // images.tsv "distribution"
  std::string_view pretty_name;  // /etc/os-release PRETTY_NAME, as the login banner shows it
  std::string_view kernel_release;
  std::string_view kernel_build;  // the rest of the "Linux version" line
  std::string_view dmi;           // Xen (t2) or Nitro (t3, m5, ...) firmware
  std::string_view disk;          // "xvda" / "nvme0n1"
  std::string_view root_partition;
  std::string_view filesystem;  // "xfs" / "ext4"
  std::string_view nic;
  std::string_view systemd;    // the version line systemd logs at start
  bool systemd_says_finished;  // systemd 246 and later log "Finished" for oneshot units
  std::string_view cloud_init;
  std::string_view sshd_unit;  // the description of the SSH server's unit
};

constexpr LinuxDistro kLinux[] = {
    {"amzn2", "Amazon Linux 2", "4.14.304-226.531.amzn2.x86_64",
     "(mockbuild@ip-10-0-1-79) (gcc version 7.3.1 20180712 (Red Hat 7.3.1-15) (GCC)) #1 SMP "
     "Tue Jan 10 18:59:12 UTC 2023",
     "Xen HVM domU, BIOS 4.11.amazon 08/24/2006", "xvda", "xvda1", "xfs", "eth0",
     "systemd 219 running in system mode. (+PAM +AUDIT +SELINUX +IMA -APPARMOR +SMACK +SYSVINIT "
     "+UTMP +LIBCRYPTSETUP +GCRYPT +GNUTLS +ACL +XZ +LZ4 -SECCOMP +BLKID +ELFUTILS +KMOD +IDN)",
     false, "19.3-46.amzn2", "OpenSSH server daemon"},
    {"al2023", "Amazon Linux 2023", "6.1.15-28.43.amzn2023.x86_64",
     "(mockbuild@ip-10-0-40-120) (gcc (GCC) 11.3.1 20221121 (Red Hat 11.3.1-4), GNU ld version "
     "2.39-6.amzn2023.0.5) #1 SMP PREEMPT_DYNAMIC Thu Mar  9 21:00:21 UTC 2023",
     "Amazon EC2 t3.micro/, BIOS 1.0 10/16/2017", "nvme0n1", "nvme0n1p1", "xfs", "ens5",
     "systemd 252.4-1161.amzn2023.0.3 running in system mode (+PAM +AUDIT +SELINUX -APPARMOR +IMA "
     "+SMACK +SECCOMP +GCRYPT +GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS)",
     true, "22.2.2", "OpenSSH server daemon"},
    {"ubuntu-22.04", "Ubuntu 22.04.1 LTS", "5.15.0-1028-aws",
     "(buildd@lcy02-amd64-091) (gcc (Ubuntu 11.3.0-1ubuntu1~22.04) 11.3.0, GNU ld (GNU Binutils "
     "for Ubuntu) 2.38) #32-Ubuntu SMP Mon Jan 9 12:28:07 UTC 2023 (Ubuntu 5.15.0-1028.32-aws "
     "5.15.74)",
     "Amazon EC2 t3.micro/, BIOS 1.0 10/16/2017", "nvme0n1", "nvme0n1p1", "ext4", "ens5",
     "systemd 249.11-0ubuntu3.6 running in system mode (+PAM +AUDIT +SELINUX +APPARMOR +IMA "
     "+SMACK +SECCOMP +GCRYPT +GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS)",
     true, "22.4.2-0ubuntu0~22.04.1", "OpenBSD Secure Shell server"},
    {"ubuntu-20.04", "Ubuntu 20.04.5 LTS", "5.15.0-1028-aws",
     "(buildd@lcy02-amd64-062) (gcc (Ubuntu 9.4.0-1ubuntu1~20.04.1) 9.4.0, GNU ld (GNU Binutils "
     "for Ubuntu) 2.34) #32~20.04.1-Ubuntu SMP Mon Jan 9 18:02:08 UTC 2023 (Ubuntu "
     "5.15.0-1028.32~20.04.1-aws 5.15.74)",
     "Amazon EC2 t3.micro/, BIOS 1.0 10/16/2017", "nvme0n1", "nvme0n1p1", "ext4", "ens5",
     "systemd 245.4-4ubuntu3.19 running in system mode. (+PAM +AUDIT +SELINUX +IMA +APPARMOR "
     "+SMACK +SYSVINIT +UTMP +LIBCRYPTSETUP +GCRYPT +GNUTLS +ACL +XZ +LZ4 +SECCOMP +BLKID)",
     false, "22.4.2-0ubuntu0~20.04.2", "OpenBSD Secure Shell server"},
    {"ubuntu-16.04", "Ubuntu 16.04.1 LTS", "4.4.0-31-generic",
     "(buildd@lgw01-16) (gcc version 5.3.1 20160413 (Ubuntu 5.3.1-14ubuntu2.1) ) #50-Ubuntu SMP "
     "Wed Jul 13 00:07:12 UTC 2016 (Ubuntu 4.4.0-31.50-generic 4.4.13)",
     "Xen HVM domU, BIOS 4.2.amazon 05/12/2016", "xvda", "xvda1", "ext4", "eth0",
     "systemd 229 running in system mode. (+PAM +AUDIT +SELINUX +IMA +APPARMOR +SMACK +SYSVINIT "
     "+UTMP +LIBCRYPTSETUP +GCRYPT +GNUTLS +ACL +XZ -LZ4 +SECCOMP +BLKID +ELFUTILS +KMOD -IDN)",
     false, "0.7.7~bzr1256-0ubuntu1~16.04.1", "OpenBSD Secure Shell server"},
    {"rhel-9", "Red Hat Enterprise Linux 9.1 (Plow)", "5.14.0-162.6.1.el9_1.x86_64",
     "(mockbuild@x86-vm-07.build.eng.bos.redhat.com) (gcc (GCC) 11.3.1 20220421 (Red Hat "
     "11.3.1-2), GNU ld version 2.35.2-24.el9) #1 SMP PREEMPT_DYNAMIC Fri Sep 30 07:36:03 EDT 2022",
     "Amazon EC2 t3.micro/, BIOS 1.0 10/16/2017", "nvme0n1", "nvme0n1p1", "xfs", "eth0",
     "systemd 250-12.el9_1 running in system mode (+PAM +AUDIT +SELINUX -APPARMOR +IMA +SMACK "
     "+SECCOMP +GCRYPT +GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS)",
     true, "22.1-5.el9", "OpenSSH server daemon"},
};

const LinuxDistro& LinuxDistroOf(const Image& image) {
  for (const LinuxDistro& distro : kLinux)
    if (distro.key == image.distribution) return distro;
  return kLinux[0];
}

bool IsUbuntu(const LinuxDistro& d) { return d.key.starts_with("ubuntu"); }

// Accumulates the console, with the kernel's and cloud-init's line prefixes.
class BootLog {
 public:
  explicit BootLog(Clock::time_point boot) : boot_(boot) {}

  void Kernel(double up, std::string_view text) { Line(Stamp(up) + std::string(text)); }
  // systemd's status lines on the console: "[  OK  ] Started ..." and "         Starting ...".
  void Ok(std::string_view text) { Line("[  OK  ] " + std::string(text)); }
  void Starting(std::string_view text) { Line("         Starting " + std::string(text) + "..."); }
  void CloudInit(double up, std::string_view text) {
    Line(Stamp(up) + "cloud-init[" + std::to_string(pid_) + "]: " + std::string(text));
  }
  void Line(std::string text) { text_ += text + "\n"; }
  void SetCloudInitPid(int pid) { pid_ = pid; }
  // cloud-init's date: "Thu, 19 Jan 2023 22:45:01 +0000".
  std::string Date(double up) const {
    return FormatTime(After(boot_, up), "%a, %d %b %Y %H:%M:%S +0000");
  }
  std::string Take() { return std::move(text_); }

 private:
  Clock::time_point boot_;
  int pid_ = 0;
  std::string text_;
};

void KernelLines(BootLog& log, const LinuxDistro& d) {
  std::string release(d.kernel_release);
  log.Kernel(0, "Linux version " + release + " " + std::string(d.kernel_build));
  log.Kernel(0, "Command line: BOOT_IMAGE=/boot/vmlinuz-" + release + " root=/dev/" +
                    std::string(d.root_partition) +
                    " ro console=tty1 console=ttyS0 nvme_core.io_timeout=4294967295");
  log.Kernel(0, "DMI: " + std::string(d.dmi));
  log.Kernel(0, d.disk == "xvda" ? "Hypervisor detected: Xen HVM" : "Hypervisor detected: KVM");
  log.Kernel(0.000814, "tsc: Detected 2499.998 MHz processor");
  log.Kernel(0.012533, "Memory: 938812K/1048180K available");
  log.Kernel(0.124087, "printk: console [ttyS0] enabled");
  log.Kernel(0.356187, "smpboot: CPU0: Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz");
  log.Kernel(0.902315, "Freeing unused kernel image memory: 2648K");
  std::string disk(d.disk);
  log.Kernel(1.204877, disk == "xvda" ? "blkfront: xvda: flush diskcache: enabled; persistent "
                                        "grants: disabled; indirect descriptors: enabled;"
                                      : "nvme nvme0: 2/0/0 default/read/poll queues");
  log.Kernel(1.211043, " " + disk + ": " + std::string(d.root_partition));
  log.Kernel(1.803351, d.filesystem == "xfs"
                           ? "XFS (" + std::string(d.root_partition) + "): Mounting V5 Filesystem"
                           : "EXT4-fs (" + std::string(d.root_partition) +
                                 "): mounted filesystem with ordered data mode. Opts: (null)");
}

void SystemdLines(BootLog& log, const LinuxDistro& d, std::string_view hostname) {
  log.Kernel(2.101672, "systemd[1]: " + std::string(d.systemd));
  log.Kernel(2.102480, "systemd[1]: Detected virtualization " +
                           std::string(d.disk == "xvda" ? "xen" : "amazon") + ".");
  log.Kernel(2.102511, "systemd[1]: Detected architecture x86-64.");
  log.Kernel(2.120095, "systemd[1]: Set hostname to <" + std::string(ShortName(hostname)) + ">.");
  log.Ok("Started Journal Service.");
  log.Ok(d.systemd_says_finished ? "Finished Load Kernel Modules."
                                 : "Started Load Kernel Modules.");
  log.Ok("Reached target Local File Systems.");
  log.Starting("Initial cloud-init job (pre-networking)");
}

std::vector<std::string> NetDeviceTable(const LinuxDistro& d, std::string_view private_ip,
                                        std::string_view instance_id) {
  return CiInfoTable("Net device info", {"Device", "Up", "Address", "Mask", "Scope", "Hw-Address"},
                     {{std::string(d.nic), "True", std::string(private_ip), "255.255.240.0",
                       "global", MacAddress(instance_id)},
                      {"lo", "True", "127.0.0.1", "255.0.0.0", "host", "."}});
}

// A default VPC's subnets are /20s ("172.31.0.0/20", https://docs.aws.amazon.com/vpc/latest/
// userguide/default-vpc.html); the router is the subnet's first address plus one.
std::vector<std::string> RouteTable(const LinuxDistro& d, std::string_view private_ip) {
  std::optional<std::uint32_t> ip = ParseIpv4(private_ip);
  if (!ip) return {};
  std::uint32_t network = *ip & 0xfffff000u;
  std::string nic(d.nic);
  return CiInfoTable("Route IPv4 info",
                     {"Route", "Destination", "Gateway", "Genmask", "Interface", "Flags"},
                     {{"0", "0.0.0.0", Ipv4Text(network + 1), "0.0.0.0", nic, "UG"},
                      {"1", Ipv4Text(network), "0.0.0.0", "255.255.240.0", nic, "U"}});
}

void CloudInitNetwork(BootLog& log, const LinuxDistro& d, std::string_view instance_id,
                      std::string_view private_ip) {
  std::string version(d.cloud_init);
  log.SetCloudInitPid(472);
  log.CloudInit(4.873120, "Cloud-init v. " + version + " running 'init-local' at " +
                              log.Date(4.87) + ". Up 4.87 seconds.");
  log.Ok("Started Initial cloud-init job (pre-networking).");
  log.Ok("Reached target Network (Pre).");
  log.Starting("Initial cloud-init job (metadata service crawler)");
  log.SetCloudInitPid(541);
  log.CloudInit(6.204455, "Cloud-init v. " + version + " running 'init' at " + log.Date(6.20) +
                              ". Up 6.20 seconds.");
  double up = 6.21;
  for (const std::string& line : NetDeviceTable(d, private_ip, instance_id))
    log.CloudInit(up += 0.000013, "ci-info: " + line);
  for (const std::string& line : RouteTable(d, private_ip))
    log.CloudInit(up += 0.000013, "ci-info: " + line);
}

void KeyGenerationLines(BootLog& log, const std::vector<HostKey>& keys, std::string_view hostname) {
  double up = 7.5;
  for (const HostKey& key : keys) {
    std::string type = key.algorithm == "ssh-rsa"       ? "rsa"
                       : key.algorithm == "ssh-ed25519" ? "ed25519"
                                                        : "ecdsa";
    std::string path = "/etc/ssh/ssh_host_" + type + "_key";
    log.CloudInit(up += 0.1, "Generating public/private " + type + " key pair.");
    log.CloudInit(up, "Your identification has been saved in " + path);
    log.CloudInit(up, "Your public key has been saved in " + path + ".pub");
    log.CloudInit(up, "The key fingerprint is:");
    log.CloudInit(up, Fingerprint(key) + " root@" + std::string(hostname));
  }
}

// cloud-init's keys-to-console module (write-ssh-key-fingerprints): the fingerprints as
// `ssh-keygen -l` prints them, then the public keys.
void HostKeyBlocks(BootLog& log, const std::vector<HostKey>& keys, std::string_view hostname) {
  std::string root = "root@" + std::string(hostname);
  log.Line("-----BEGIN SSH HOST KEY FINGERPRINTS-----");
  for (const HostKey& key : keys)
    log.Line(std::to_string(key.bits) + " " + Fingerprint(key) + " " + root + " (" +
             std::string(key.label) + ")");
  log.Line("-----END SSH HOST KEY FINGERPRINTS-----");
  log.Line("-----BEGIN SSH HOST KEY KEYS-----");
  for (const HostKey& key : keys)
    log.Line(std::string(key.algorithm) + " " + Base64(key.blob) + " " + root);
  log.Line("-----END SSH HOST KEY KEYS-----");
}

void LoginBanner(BootLog& log, const LinuxDistro& d, std::string_view hostname) {
  std::string name(ShortName(hostname));
  log.Line("");
  if (IsUbuntu(d)) {
    log.Line(std::string(d.pretty_name) + " " + name + " ttyS0");
  } else {
    log.Line(std::string(d.pretty_name));
    log.Line("Kernel " + std::string(d.kernel_release) + " on an x86_64");
  }
  log.Line("");
  log.Line(name + " login: ");
}

std::string LinuxConsole(const Image& image, std::string_view instance_id,
                         std::string_view private_ip, std::string_view hostname,
                         Clock::time_point boot) {
  const LinuxDistro& d = LinuxDistroOf(image);
  std::vector<HostKey> keys = HostKeys(instance_id);
  std::string version(d.cloud_init);
  BootLog log(boot);
  KernelLines(log, d);
  SystemdLines(log, d, hostname);
  CloudInitNetwork(log, d, instance_id, private_ip);
  KeyGenerationLines(log, keys, hostname);
  log.Ok("Started Initial cloud-init job (metadata service crawler).");
  log.Ok("Reached target Cloud-config availability.");
  log.Ok("Started " + std::string(d.sshd_unit) + ".");
  log.Starting("Apply the settings specified in cloud-config");
  log.SetCloudInitPid(796);
  log.CloudInit(9.824417, "Cloud-init v. " + version + " running 'modules:config' at " +
                              log.Date(9.82) + ". Up 9.82 seconds.");
  log.Starting("Execute cloud user/final scripts");
  log.SetCloudInitPid(817);
  log.CloudInit(10.513207, "Cloud-init v. " + version + " running 'modules:final' at " +
                               log.Date(10.51) + ". Up 10.51 seconds.");
  HostKeyBlocks(log, keys, hostname);
  log.CloudInit(10.791354, "Cloud-init v. " + version + " finished at " + log.Date(10.79) +
                               ". Datasource DataSourceEc2Local.  Up 10.79 seconds");
  log.Ok(d.systemd_says_finished ? "Finished Execute cloud user/final scripts."
                                 : "Started Execute cloud user/final scripts.");
  log.Ok("Reached target Cloud-init target.");
  LoginBanner(log, d, hostname);
  return log.Take();
}

// ---------------------------------------------------------------------------
// Windows: EC2Launch v2's console lines ("Windows is Ready to use" is what
// tools wait for), https://docs.aws.amazon.com/AWSEC2/latest/WindowsGuide/ec2launch-v2.html
// ---------------------------------------------------------------------------

// The computer name Windows AMIs give themselves: "EC2AMAZ-" and seven characters.
std::string WindowsComputerName(std::string_view instance_id) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string name = "EC2AMAZ-";
  for (unsigned char b : DerivedBytes(instance_id, "computer-name", 7))
    name += kAlphabet[b % kAlphabet.size()];
  return name;
}

std::string WindowsConsole(const Image& image, std::string_view instance_id,
                           Clock::time_point boot) {
  std::string text;
  auto line = [&](double up, std::string_view message) {
    text += FormatTime(After(boot, up), "%Y/%m/%d %H:%M:%SZ: ") + std::string(message) + "\n";
  };
  std::string thumbprint;
  for (unsigned char b : DerivedBytes(instance_id, "rdp-certificate", 20)) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02X", b);
    thumbprint += buf;
  }
  line(31, "Windows sysprep configuration complete.");
  line(33, "Message: Waiting for meta-data accessibility...");
  line(34, "Message: Meta-data is now available.");
  line(35, "AMI Origin Version: " + std::string(image.name.substr(image.name.rfind('-') + 1)));
  line(35, "AMI Origin Name: " + std::string(image.name.substr(0, image.name.rfind('-'))));
  line(35, "OS: Microsoft Windows NT 10.0.20348");
  line(35, "OsProductName: Windows Server 2022 Datacenter");
  line(35, "OsInstallationType: Server");
  line(35, "OsBuildLabEx: 20348.1.amd64fre.fe_release.210507-1500");
  line(35, "Language: en-US");
  line(35, "TimeZone: Coordinated Universal Time");
  line(35, "Offset: UTC +0000");
  line(35, "Launch: EC2 Launch v2.0.1245");
  line(35, "AMI-ID: " + std::string(image.image_id));
  line(35, "Instance-ID: " + std::string(instance_id));
  line(36, "Driver: AWS NVMe Driver v1.4.1.20");
  line(36, "Driver: AWS PV Driver Package v8.4.3");
  line(36, "Driver: Amazon Elastic Network Adapter v2.4.0.0");
  line(37, "RDPCERTIFICATE-SUBJECTNAME: " + WindowsComputerName(instance_id));
  line(37, "RDPCERTIFICATE-THUMBPRINT: " + thumbprint);
  line(38, "SSM: Amazon SSM Agent v3.1.1732.0 is running");
  line(41, "Username: " + std::string(image.default_user));
  line(42, "Message: Windows is Ready to use");
  return text;
}

// "2023-01-19T22:43:03.000Z"; the epoch when it does not parse.
Clock::time_point ParseCreationDate(std::string_view date) {
  std::tm tm{};
  std::string text(date);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return Clock::time_point();
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return Clock::from_time_t(timegm(&tm));
}

}  // namespace

std::string ConsoleOutput(const Image& image, std::string_view instance_id,
                          std::string_view private_ip, std::string_view hostname) {
  return ConsoleOutput(image, instance_id, private_ip, hostname,
                       ParseCreationDate(image.creation_date));
}

std::string ConsoleOutput(const Image& image, std::string_view instance_id,
                          std::string_view private_ip, std::string_view hostname,
                          Clock::time_point boot_time) {
  if (image.platform == "windows") return WindowsConsole(image, instance_id, boot_time);
  return LinuxConsole(image, instance_id, private_ip, hostname, boot_time);
}

}  // namespace awslab::ec2
