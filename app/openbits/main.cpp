// openbits: BITS uploads, upload-reply jobs, downloads and pings from the command line.
// argv -> subcommand settings -> client job -> exit code.
#include "client/failure.hpp"
#include "commands.hpp"
#include "console.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace {

using namespace openbits_cli;

constexpr char const* exit_codes_text = R"(Exit codes:
  0    success
  1    internal error
  2    usage error: bad option, URL or state file; the job is running in another process
  3    local file error: missing or unreadable, or changed during the upload
  4    the server refused: a permanent HTTP status or BITS error (e.g. BG_E_TOO_LARGE)
  5    gave up: transient failures (unreachable, timeouts, 5xx) lasted past --retry-for
  6    the server broke the protocol (BG_E_INVALID_SERVER_RESPONSE, no Range support, ...)
  7    TLS failure (certificate not trusted, handshake refused)
  130  interrupted by SIGINT/SIGTERM; the job state is kept and a rerun resumes it
)";

void add_common(CLI::App* cmd, common_settings& c, bool with_state) {
  cmd->add_option("--retry-for", c.retry_for,
                  "Give up when transient failures last this long without progress "
                  "(e.g. 30s, 5m, 2h)")
      ->capture_default_str();
  cmd->add_option("--retry-delay", c.retry_delay,
                  "First retry delay; doubles up to --max-retry-delay")
      ->capture_default_str();
  cmd->add_option("--max-retry-delay", c.max_retry_delay, "Longest delay between retries")
      ->capture_default_str();
  cmd->add_option("--connect-timeout", c.connect_timeout, "Time allowed to connect (TCP + TLS)")
      ->capture_default_str();
  cmd->add_option("--timeout", c.timeout,
                  "Response timeout: fail an exchange when no byte moves for this long")
      ->capture_default_str();
  cmd->add_option("--limit-rate", c.limit_rate, "Bandwidth cap in bytes/s (e.g. 512K, 10M)");
  cmd->add_option("-u,--user", c.user, "Credentials USER:PASSWORD");
  cmd->add_option("--auth", c.auth,
                  "basic: send Basic credentials up front; any: answer the server's challenge "
                  "with the best scheme it offers (Negotiate, NTLM, Digest, Basic); any "
                  "without --user: Negotiate with the Kerberos ticket from kinit; negotiate: "
                  "Negotiate only (Kerberos ticket cache, or gss-ntlmssp's NTLM credentials); "
                  "ntlm: NTLM only, with --user 'DOMAIN\\user:password'")
      ->capture_default_str();
  cmd->add_option("--cacert", c.cacert, "Trust the CA certificates in this PEM file");
  cmd->add_flag("-k,--insecure", c.insecure, "Do not verify the server's TLS certificate");
  cmd->add_option("--proxy", c.proxy,
                  "Proxy URL (default: http_proxy, https_proxy and no_proxy from the environment)");
  cmd->add_option("-H,--header", c.headers, "Extra request header 'Name: value' (repeatable)");
  cmd->add_flag("-q,--quiet", c.quiet, "No progress output");
  cmd->add_flag("--json", c.json, "Print a JSON summary on stdout");
  cmd->add_flag("-v,--verbose", c.verbose, "Print every exchange on stderr");
  cmd->add_flag("--trace", c.trace, "libcurl's own trace of the HTTP traffic on stderr");
  cmd->add_option("--progress-interval", c.progress_interval,
                  "Time between progress lines when stderr is not a terminal")
      ->capture_default_str();
  if (with_state) {
    cmd->add_option("--state", c.state,
                    "Job state file (default: $XDG_STATE_HOME/openbits/, "
                    "~/.local/state/openbits/, keyed by file and URL)");
    cmd->add_flag("--no-state", c.no_state, "Keep no state: an interrupted job starts over");
  }
}

/// Every subcommand and what its arguments fill in.
struct command_line {
  common_settings common;
  upload_settings up;
  download_settings down;
  std::string ping_url;
  std::string cancel_file;
  std::string cancel_url;
  CLI::App* upload = nullptr;
  CLI::App* download = nullptr;
  CLI::App* ping = nullptr;
  CLI::App* cancel = nullptr;
};

void define_commands(CLI::App& app, command_line& cl) {
  cl.upload = app.add_subcommand("upload", "Upload FILE to URL with the BITS upload protocol");
  cl.upload->add_option("FILE", cl.up.file, "Local file")->required();
  cl.upload->add_option("URL", cl.up.url, "Destination URL (http or https)")->required();
  cl.upload->add_option("--fragment-size", cl.up.fragment_size,
                        "Bytes per Fragment, e.g. 1M (default: adaptive, 64K..13M, aiming at "
                        "about one second per fragment)");
  cl.upload->add_option("--reply", cl.up.reply,
                        "Upload-reply job: download the server's BITS-Reply-URL into this file");
  cl.upload->add_flag("--no-ping", cl.up.no_ping, "Do not send Ping packets");
  add_common(cl.upload, cl.common, true);

  cl.download = app.add_subcommand("download", "Download URL into FILE (HEAD + ranged GET)");
  cl.download->add_option("URL", cl.down.url, "Source URL")->required();
  cl.download->add_option("FILE", cl.down.file, "Local file; a partial file is resumed")
      ->required();
  add_common(cl.download, cl.common, true);

  cl.ping = app.add_subcommand("ping", "Send one BITS Ping and print the round trip");
  cl.ping->add_option("URL", cl.ping_url, "BITS upload URL")->required();
  add_common(cl.ping, cl.common, false);

  cl.cancel = app.add_subcommand(
      "cancel", "Cancel an interrupted upload (Cancel-Session) and delete its state");
  cl.cancel->add_option("FILE", cl.cancel_file,
                        "Local file of the upload (with URL, instead of --state)");
  cl.cancel->add_option("URL", cl.cancel_url, "Destination URL of the upload");
  add_common(cl.cancel, cl.common, true);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "openbits: resumable BITS uploads (the protocol of Windows' Background Intelligent "
      "Transfer Service) and ranged downloads for Linux."};
  app.footer(exit_codes_text);
  app.set_version_flag("--version", "openbits " BITS_VERSION);
  app.require_subcommand(1, 1);
  command_line cl;
  define_commands(app, cl);
  // CLI11 reports parse errors by exception; this is the one place they are caught.
  try {
    app.parse(argc, argv);
  } catch (CLI::CallForHelp const& e) {
    return app.exit(e);
  } catch (CLI::CallForAllHelp const& e) {
    return app.exit(e);
  } catch (CLI::CallForVersion const& e) {
    return app.exit(e);
  } catch (CLI::ParseError const& e) {
    (void)app.exit(e);
    return bits::client::exit_code::usage;
  }

  std::stop_source stop;
  stop_on_signals(stop);
  if (cl.upload->parsed()) return upload_command(cl.common, cl.up, stop.get_token());
  if (cl.download->parsed()) return download_command(cl.common, cl.down, stop.get_token());
  if (cl.ping->parsed()) return ping_command(cl.common, cl.ping_url, stop.get_token());
  return cancel_command(cl.common, cl.cancel_file, cl.cancel_url, stop.get_token());
}
