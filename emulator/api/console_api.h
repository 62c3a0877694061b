// The web console's files under /_awslab/console/: plain HTML, CSS and
// JavaScript modules from emulator/console/, built into the binary (or read
// from a folder with --console-dir, to edit them without a rebuild). The
// files are public, as the AWS console's are: everything they do, they do
// through the signed S3, EC2, Cost Explorer and admin APIs.
//
// GET and HEAD only; "/_awslab/console" redirects to "/_awslab/console/",
// a path ending in "/" serves its index.html. Answers carry an ETag (304 on
// If-None-Match), Cache-Control: no-cache and a Content-Security-Policy that
// lets the pages load and call nothing but this origin.
//
// Thread-safety: Begin may be called from any thread.
#ifndef AWSLAB_EMULATOR_API_CONSOLE_API_H_
#define AWSLAB_EMULATOR_API_CONSOLE_API_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/api/exchange.h"

namespace awslab::api {

// The file built into the binary at `name` ("index.html", "js/app.js");
// empty when there is none.
std::string_view EmbeddedConsoleFile(std::string_view name);

class ConsoleApi final : public Service {
 public:
  // `dir`: serve from this folder instead of the built-in files.
  explicit ConsoleApi(std::string dir = {}) : dir_(std::move(dir)) {}

  static bool Claims(const protocol::Request& request) {
    return request.path == "/_awslab/console" || request.path.starts_with("/_awslab/console/");
  }
  std::unique_ptr<Exchange> Begin(protocol::Request request) override;
  protocol::Response Handle(const protocol::Request& request) const;

 private:
  std::optional<std::string> Read(std::string_view name) const;

  const std::string dir_;
};

}  // namespace awslab::api

#endif  // AWSLAB_EMULATOR_API_CONSOLE_API_H_
