// HTTPS: the server's TLS configuration, from a certificate and key that the
// user gives (--tls-cert, --tls-key) or from a local CA that the server makes
// in its data directory on first start (--tls-self-signed).
//
// OpenSSL only: nothing here includes Asio or Beast; net/server.cc wraps the
// context's SSL_CTX for its streams.
//
// Thread-safety: EnsureSelfSigned and the Load functions are called once, at
// start-up, from one thread. A loaded TlsContext is immutable to its users and
// may serve connections on any thread at once (its cache of virtual-host
// certificates has its own lock).
#ifndef AWSLAB_EMULATOR_NET_TLS_H_
#define AWSLAB_EMULATOR_NET_TLS_H_

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/base/error.h"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace awslab::net {

// The names a server certificate is for.
struct TlsNames {
  std::vector<std::string> dns;  // "localhost", "*.s3.localhost"
  std::vector<std::string> ips;  // "127.0.0.1", "::1"
};

// What --tls-self-signed puts in a server certificate: localhost and
// *.localhost, each virtual-host base domain D and *.D, 127.0.0.1 and ::1, and
// `host` (the --host address) when it is a specific IP address. Domains that
// are not host names are left out.
TlsNames SelfSignedNames(const std::vector<std::string>& vhost_domains, std::string_view host);

// The files of the self-signed set, absolute paths.
struct SelfSignedFiles {
  std::filesystem::path ca_cert;  // DIR/ca.pem: what clients trust (--ca-bundle)
  std::filesystem::path ca_key;   // DIR/ca-key.pem, mode 0600
  std::filesystem::path cert;     // DIR/server.pem, signed by the CA
  std::filesystem::path key;      // DIR/server-key.pem, mode 0600
  bool new_ca = false;            // the CA was made by this call
  bool new_cert = false;          // the server certificate was (re)made by this call
};

// Makes DIR and, on first use, a CA (EC P-256, 10 years) and a server
// certificate for `names` signed by it (2 years). Later calls reuse the CA as
// it is; the server certificate is made again, signed by the same CA, when it
// lacks one of `names`, expires within 30 days, or does not belong to the CA
// or to its key. Files are written whole (a temporary file, fsync, rename), so
// a crash leaves the old file or the new one, never half a key.
// Errors (kInvalidArgument): DIR cannot be made or written; ca.pem exists but
// cannot be read, has expired, or its key (ca-key.pem) is missing or does not
// match it: the message says to remove DIR to start over.
Result<SelfSignedFiles> EnsureSelfSigned(const std::filesystem::path& dir, const TlsNames& names);

// A server's TLS configuration: TLS 1.2 and 1.3, ALPN "http/1.1".
class TlsContext {
 public:
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // OpenSSL's context. A user that keeps it takes its own reference
  // (SSL_CTX_up_ref); it stays valid while this object lives.
  ssl_ctx_st* native_handle() const;

 private:
  struct Impl;
  explicit TlsContext(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;

  friend Result<std::shared_ptr<TlsContext>> LoadTlsContext(const std::filesystem::path&,
                                                            const std::filesystem::path&);
  friend Result<std::shared_ptr<TlsContext>> LoadSelfSignedTlsContext(
      const SelfSignedFiles&, const std::vector<std::string>&);
};

// The certificate (PEM; the server's first, then any intermediates) and its
// private key (PEM, not encrypted). Errors (kInvalidArgument), each naming the
// file: it is missing or unreadable, holds no certificate or no key, the key
// is encrypted, or the key does not match the certificate.
Result<std::shared_ptr<TlsContext>> LoadTlsContext(const std::filesystem::path& cert_file,
                                                   const std::filesystem::path& key_file);

// The self-signed set's server certificate; besides, a client that asks (by
// SNI) for a name under one of `vhost_domains` that the certificate does not
// cover gets a certificate for that name signed by the CA on first use.
// That is how https://bucket.localhost works: OpenSSL's host-name check (curl,
// Python's ssl module) does not let a wildcard stand for the only label before
// the base domain (*.localhost matches nothing), and a dotted bucket name is
// never covered by a wildcard (a.b.s3.localhost against *.s3.localhost).
Result<std::shared_ptr<TlsContext>> LoadSelfSignedTlsContext(
    const SelfSignedFiles& files, const std::vector<std::string>& vhost_domains);

}  // namespace awslab::net

#endif  // AWSLAB_EMULATOR_NET_TLS_H_
