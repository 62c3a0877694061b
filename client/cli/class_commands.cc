// `awslab admin class create|report`: a class set up in one command, and
// every student's resources and bill in one table (docs/classroom.md).
//
// create makes, through the admin API (POST /_awslab/accounts), one account
// for the teacher (an admin) and one per student, each with an access key,
// and writes into --dir:
//   <name>/credentials  the key, as ~/.aws/credentials holds it, profile awslab
//   <name>/config       [profile awslab]: region, output, endpoint_url
//   <name>/awslab.env   the variables that point any client at those files
//   sheet.html          one printable page per person
//   sheet.txt           the same as text
//   class.json          the roster (ids, keys, secrets): keep it private
// Nothing is created when a name is taken.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>
#include <algorithm>

#include "client/cli/cli.h"
#include "client/include/awslab/admin.h"

namespace awslab::cli {

namespace admin = client::admin;
namespace fs = std::filesystem;

Result<admin::AdminClient> MakeAdmin(const Context& ctx);

namespace {

struct Member {
  admin::CreatedAccount created;
  std::string role;  // "teacher", "student"
};

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Writes `text` to `path`, readable by its owner only when `secret`.
bool WriteFile(const fs::path& path, const std::string& text, bool secret, std::string& error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    error = "cannot write " + path.string();
    return false;
  }
  if (secret) ::chmod(path.c_str(), 0600);
  return true;
}

std::string Credentials(const Member& m) {
  return "[awslab]\naws_access_key_id = " + m.created.access_key_id +
         "\naws_secret_access_key = " + m.created.secret_access_key + "\n";
}

// endpoint_url in a profile is read by the aws CLI from 2.13 and boto3 from
// 1.28; older ones (Debian 12's) take --endpoint-url or AWS_ENDPOINT_URL is
// ignored: the sheet says so.
std::string Config(const std::string& region, const std::string& endpoint) {
  return "[profile awslab]\nregion = " + region + "\noutput = json\nendpoint_url = " + endpoint +
         "\n";
}

std::string EnvFile(const fs::path& dir, const std::string& endpoint) {
  const std::string abs = fs::absolute(dir).string();
  return "# . this file: every AWS client in the shell then uses awslab.\n"
         "export AWS_SHARED_CREDENTIALS_FILE='" + abs + "/credentials'\n"
         "export AWS_CONFIG_FILE='" + abs + "/config'\n"
         "export AWS_PROFILE=awslab\n"
         "export AWS_ENDPOINT_URL='" + endpoint + "'\n";
}

std::string SheetText(const std::vector<Member>& members, const std::string& endpoint,
                      const std::string& region) {
  std::ostringstream out;
  for (const Member& m : members) {
    const auto& a = m.created.account;
    out << "==== " << a.name << " (" << m.role << ") ====\n"
        << "Account ID:         " << a.id << "\n"
        << "Access key ID:      " << m.created.access_key_id << "\n"
        << "Secret access key:  " << m.created.secret_access_key << "\n"
        << "Endpoint:           " << endpoint << "\n"
        << "Region:             " << region << "\n"
        << "Web console:        " << endpoint << "/_awslab/console/\n"
        << "\n"
        << "Your files are in " << a.name << "/: credentials and config (profile awslab).\n"
        << "  aws configure --profile awslab    (or copy them into ~/.aws/)\n"
        << "  aws --profile awslab --endpoint-url " << endpoint << " s3 ls\n"
        << "  aws --profile awslab --endpoint-url " << endpoint
        << " ec2 describe-instances\n"
        << "boto3: boto3.client('s3', endpoint_url='" << endpoint << "')\n"
        << "\f\n";
  }
  return out.str();
}

std::string SheetHtml(const std::vector<Member>& members, const std::string& endpoint,
                      const std::string& region) {
  std::ostringstream out;
  out << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<title>awslab: the class's sign-in sheets</title>\n<style>\n"
         "body{font-family:sans-serif;margin:2em}\n"
         "section{page-break-after:always;break-after:page;margin-bottom:3em}\n"
         "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .6em;"
         "text-align:left}\n"
         "code,td.k{font-family:monospace}\n</style></head><body>\n";
  for (const Member& m : members) {
    const auto& a = m.created.account;
    out << "<section>\n<h1>" << HtmlEscape(a.name) << " <small>(" << m.role
        << ")</small></h1>\n<table>\n"
        << "<tr><th>Account ID</th><td class=\"k\">" << a.id << "</td></tr>\n"
        << "<tr><th>Access key ID</th><td class=\"k\">" << m.created.access_key_id
        << "</td></tr>\n"
        << "<tr><th>Secret access key</th><td class=\"k\">"
        << HtmlEscape(m.created.secret_access_key) << "</td></tr>\n"
        << "<tr><th>Endpoint</th><td class=\"k\">" << HtmlEscape(endpoint) << "</td></tr>\n"
        << "<tr><th>Region</th><td class=\"k\">" << HtmlEscape(region) << "</td></tr>\n"
        << "<tr><th>Web console</th><td class=\"k\">" << HtmlEscape(endpoint)
        << "/_awslab/console/</td></tr>\n</table>\n"
        << "<p>Put these in <code>~/.aws/credentials</code> under <code>[awslab]</code>, or use "
           "the files of your folder, then:</p>\n<pre>aws --profile awslab --endpoint-url "
        << HtmlEscape(endpoint) << " s3 ls</pre>\n</section>\n";
  }
  out << "</body></html>\n";
  return out.str();
}

json::value MemberJson(const Member& m) {
  const auto& a = m.created.account;
  return json::object{{"name", a.name},
                      {"role", m.role},
                      {"account_id", a.id},
                      {"admin", a.admin},
                      {"access_key_id", m.created.access_key_id},
                      {"secret_access_key", m.created.secret_access_key},
                      {"budget_usd", a.budget_usd}};
}

int ClassCreate(Context& ctx, const ParsedArgs& args, admin::AdminClient& client) {
  long students = 0;
  {
    const std::string n = args.Get("--students").value_or("");
    char* end = nullptr;
    students = n.empty() ? 0 : std::strtol(n.c_str(), &end, 10);
    if (n.empty() || *end != '\0' || students < 1 || students > 1000)
      return ReportUsage(UsageOf("admin class"), "--students needs a number from 1 to 1000");
  }
  const std::string prefix = args.Get("--prefix").value_or("student");
  const std::string teacher = args.Get("--teacher").value_or("teacher");
  const fs::path dir = args.Get("--dir").value_or("class");
  const std::string budget = args.Get("--budget").value_or("");
  std::string endpoint = args.Get("--student-endpoint").value_or(AdminEndpoint(ctx));
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  const std::string region = ctx.config.region.empty() ? "us-east-1" : ctx.config.region;

  // Names: student01 ... student30 (as many digits as the count needs, at
  // least two, so that they sort).
  std::vector<std::pair<std::string, std::string>> names{{teacher, "teacher"}};
  const int width = std::max<int>(2, static_cast<int>(std::to_string(students).size()));
  for (long i = 1; i <= students; ++i) {
    char num[16];
    std::snprintf(num, sizeof num, "%0*ld", width, i);
    names.emplace_back(prefix + num, "student");
  }
  // Refuse before creating anything when a name is taken or the folder has
  // a class already.
  auto existing = client.ListAccounts();
  if (!existing) return ReportError(existing.error(), "ListAccounts");
  std::vector<std::string> taken;
  for (const auto& [name, role] : names)
    for (const auto& a : *existing)
      if (a.name == name) taken.push_back(name);
  if (!taken.empty()) {
    std::string list;
    for (const auto& t : taken) list += (list.empty() ? "" : ", ") + t;
    return ReportError(client::MakeError("EntityAlreadyExists",
                                         "accounts with these names exist already: " + list +
                                             " (choose another --prefix or --teacher)"),
                       "CreateAccount");
  }
  std::error_code ec;
  if (fs::exists(dir / "class.json", ec))
    return ReportUsage(UsageOf("admin class"),
                       (dir / "class.json").string() + " exists: a class was made there already");
  fs::create_directories(dir, ec);
  if (ec) {
    Err("cannot create " + dir.string() + ": " + ec.message());
    return kExitOther;
  }

  std::vector<Member> members;
  for (const auto& [name, role] : names) {
    admin::NewAccount n;
    n.name = name;
    n.admin = role == "teacher";
    if (role == "student") n.budget_usd = budget;
    auto made = client.CreateAccount(n);
    if (!made) return ReportError(made.error(), "CreateAccount");
    members.push_back({std::move(*made), role});
  }

  std::string error;
  json::array roster;
  for (const Member& m : members) {
    const fs::path own = dir / m.created.account.name;
    fs::create_directories(own, ec);
    if (ec ||
        !WriteFile(own / "credentials", Credentials(m), true, error) ||
        !WriteFile(own / "config", Config(region, endpoint), false, error) ||
        !WriteFile(own / "awslab.env", EnvFile(own, endpoint), false, error)) {
      Err(error.empty() ? "cannot create " + own.string() : error);
      return kExitOther;
    }
    roster.push_back(MemberJson(m));
  }
  json::object doc{{"endpoint", endpoint}, {"region", region}, {"accounts", roster}};
  if (!WriteFile(dir / "class.json", PrettyJson(doc) + "\n", true, error) ||
      !WriteFile(dir / "sheet.txt", SheetText(members, endpoint, region), true, error) ||
      !WriteFile(dir / "sheet.html", SheetHtml(members, endpoint, region), true, error)) {
    Err(error);
    return kExitOther;
  }

  Answer a;
  json::array shown;
  Section s;
  s.title = std::to_string(members.size()) + " accounts; files in " + dir.string() +
            "/ (print sheet.html; class.json holds every secret)";
  s.headers = {"Name", "Role", "Account ID", "Access key ID", "Folder"};
  for (const Member& m : members) {
    const auto& acc = m.created.account;
    s.rows.push_back({acc.name, m.role, acc.id, m.created.access_key_id,
                      (dir / acc.name).string() + "/"});
    shown.push_back({{"name", acc.name},
                     {"role", m.role},
                     {"account_id", acc.id},
                     {"access_key_id", m.created.access_key_id},
                     {"folder", (dir / acc.name).string()}});
  }
  a.document = json::object{{"directory", dir.string()}, {"accounts", std::move(shown)}};
  a.sections.push_back(std::move(s));
  PrintAnswer(ctx, a);
  return kExitOk;
}

int ClassReport(Context& ctx, const ParsedArgs& args, admin::AdminClient& client) {
  admin::BillingPeriod period{args.Get("--start").value_or(""), args.Get("--end").value_or("")};
  auto bill = client.GetClassBilling(period);
  if (!bill) return ReportError(bill.error(), "GetClassBilling");
  Answer a;
  boost::system::error_code ec;
  a.document = json::parse(bill->raw_json, ec);
  if (ec) a.document = json::object{};
  Section s;
  s.title = "The class from " + bill->start + " to " + bill->end + ", " + bill->currency +
            " (clock: " + bill->now + ")";
  s.headers = {"Name", "Account ID", "Running", "Other instances", "Elastic IPs", "Volumes",
               "Buckets", "Total", "Budget"};
  s.right_align = {false, false, true, false, true, true, true, true, true};
  // Admins (the teacher) first, then by name: student01, student02, ...
  auto accounts = bill->accounts;
  std::stable_sort(accounts.begin(), accounts.end(), [](const auto& x, const auto& y) {
    return std::tie(y.admin, x.name) < std::tie(x.admin, y.name);
  });
  for (const auto& acc : accounts) {
    std::string others;
    for (const auto& [state, n] : acc.resources.instances)
      if (state != "running") others += (others.empty() ? "" : ", ") + std::to_string(n) + " " + state;
    s.rows.push_back({acc.name + (acc.admin ? " (admin)" : ""), acc.account_id,
                      std::to_string(acc.resources.instances_running), others,
                      std::to_string(acc.resources.elastic_ips),
                      std::to_string(acc.resources.volumes), std::to_string(acc.resources.buckets),
                      acc.total, acc.budget ? acc.budget->limit : ""});
  }
  if (ctx.output == OutputFormat::kTable)
    s.rows.push_back({"Total", "", "", "", "", "", "", bill->total, ""});
  a.sections.push_back(std::move(s));
  PrintAnswer(ctx, a);
  return kExitOk;
}

}  // namespace

int AdminClass(Context& ctx, const ParsedArgs& args) {
  auto client = MakeAdmin(ctx);
  if (!client) return ReportError(client.error(), "");
  if (args.positional[0] == "create") return ClassCreate(ctx, args, *client);
  return ClassReport(ctx, args, *client);
}

}  // namespace awslab::cli
