// reply_test: both processes, the packet helpers, and the Ack checks.
#include "reply/reply_fixture.hpp"

#include "support/digest.hpp"
#include "support/spool.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

namespace bits::test {
namespace {

using namespace std::chrono_literals;

::testing::AssertionResult ack_shape(http_response const& r, int status) {
  if (!r.ok()) return ::testing::AssertionFailure() << "no response: " << r.describe();
  if (r.status != status) {
    return ::testing::AssertionFailure() << "status " << r.status << ", expected " << status << "\n"
                                         << r.describe();
  }
  if (!iequals(r.header_or_empty("BITS-Packet-Type"), "Ack")) {
    return ::testing::AssertionFailure() << "BITS-Packet-Type is not Ack\n" << r.describe();
  }
  if (r.header_or_empty("Content-Length") != "0" || !r.body.empty()) {
    return ::testing::AssertionFailure() << "Ack must have Content-Length: 0 and no body\n"
                                         << r.describe();
  }
  return ::testing::AssertionSuccess();
}

backend_call parse_call(nlohmann::json const& j) {
  backend_call c;
  c.method = j.value("method", "");
  c.target = j.value("target", "");
  for (auto const& h : j.at("headers")) {
    c.headers.emplace_back(h.at(0).get<std::string>(), h.at(1).get<std::string>());
  }
  c.body_length = j.value("body_length", std::uint64_t{0});
  c.body_sha256 = j.value("body_sha256", "");
  c.behaviour = j.value("behaviour", "");
  if (j.contains("request_file_exists"))
    c.request_file_exists = j["request_file_exists"].get<bool>();
  if (j.contains("request_file_size")) {
    c.request_file_size = j["request_file_size"].get<std::uint64_t>();
  }
  c.request_file_sha256 = j.value("request_file_sha256", "");
  if (j.contains("response_dir_exists"))
    c.response_dir_exists = j["response_dir_exists"].get<bool>();
  return c;
}

}  // namespace

std::optional<std::string> backend_call::header(std::string_view name) const {
  for (auto const& [field, value] : headers) {
    if (iequals(field, name)) return value;
  }
  return std::nullopt;
}

::testing::AssertionResult is_app_error_ack(http_response const& r, int status,
                                            std::string_view code) {
  auto shape = ack_shape(r, status);
  if (!shape) return shape;
  if (r.header_or_empty("BITS-Error-Code") != code) {
    return ::testing::AssertionFailure()
           << "BITS-Error-Code is '" << r.header_or_empty("BITS-Error-Code") << "', expected '"
           << code << "'\n"
           << r.describe();
  }
  if (r.header_or_empty("BITS-Error-Context") != "0x7") {
    return ::testing::AssertionFailure() << "BITS-Error-Context is not 0x7\n" << r.describe();
  }
  if (r.has("BITS-Reply-URL")) {
    return ::testing::AssertionFailure() << "a failed notification has a BITS-Reply-URL\n"
                                         << r.describe();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult is_progress_ack(http_response const& r, std::uint64_t next) {
  auto shape = ack_shape(r, 200);
  if (!shape) return shape;
  if (r.has("BITS-Error-Code") || r.has("BITS-Error-Context")) {
    return ::testing::AssertionFailure() << "unexpected error headers\n" << r.describe();
  }
  if (r.header_or_empty("BITS-Received-Content-Range") != std::to_string(next)) {
    return ::testing::AssertionFailure() << "BITS-Received-Content-Range is not " << next << "\n"
                                         << r.describe();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult is_reply_ack(http_response const& r, std::uint64_t total) {
  auto progress = is_progress_ack(r, total);
  if (!progress) return progress;
  if (r.header_or_empty("BITS-Reply-URL").empty()) {
    return ::testing::AssertionFailure() << "no BITS-Reply-URL\n" << r.describe();
  }
  return ::testing::AssertionSuccess();
}

bool is_hex32(std::string_view text) {
  return text.size() == 32 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

reply_test::reply_test() {
  std::filesystem::create_directory(root());
}

void reply_test::TearDown() {
  if (HasFailure()) {
    if (server_) {
      std::cerr << "---- openbitsd log (tail) ----\n" << server_->log_tail(60) << "---- end ----\n";
    }
    if (app_) {
      std::cerr << "---- application log (tail) ----\n" << app_->log_tail(40) << "---- end ----\n";
    }
  }
  if (server_) server_->stop(SIGTERM, 5s);
  if (app_) app_->stop(SIGTERM, 2s);
}

::testing::AssertionResult reply_test::start_server(std::vector<vdir_options> vdirs) {
  auto const file = tmp() / "openbitsd.toml";
  if (!write_config(file, daemon_options{{}, std::move(vdirs)})) {
    return ::testing::AssertionFailure() << "cannot write " << file;
  }
  server_ = std::make_unique<bits::test::daemon>(
      OPENBITSD_PATH, std::vector<std::string>{"--config", file.string()}, tmp());
  if (server_->start()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "openbitsd did not start: " << server_->last_error() << "\n"
         << read_file(file) << "\n"
         << server_->log_tail(40);
}

::testing::AssertionResult reply_test::start_reply(std::string type, std::string url) {
  return start_reply(std::move(type), std::move(url), [](vdir_options&) {});
}

vdir_options reply_test::plain_vdir() const {
  vdir_options v;
  v.url = "/up/";
  v.root = root();
  return v;
}

std::uint16_t reply_test::app_port() const {
  // Started on first use: download tests never need it.
  if (!app_) {
    app_ = std::make_unique<bits::test::daemon>(
        // -I -S: the application needs only the standard library, and skipping site
        // packages keeps its start-up short.
        BITS_PYTHON3,
        std::vector<std::string>{"-I", "-S", REPLY_BACKEND_PATH, "--log",
                                 (tmp() / "app-calls.jsonl").string()},
        tmp(), "reply_backend");
    if (!app_->start()) {
      ADD_FAILURE() << "the test application did not start: " << app_->last_error() << "\n"
                    << app_->log_tail(40);
    }
  }
  return app_->port();
}

std::string reply_test::app_url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(app_port()) + "/" + std::string(path);
}

std::string reply_test::server_host() const {
  return "127.0.0.1:" + std::to_string(server_ ? server_->port() : 0);
}

std::vector<backend_call> reply_test::app_calls() const {
  std::vector<backend_call> calls;
  std::ifstream in(tmp() / "app-calls.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    auto const j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      ADD_FAILURE() << "unreadable line in the application log: " << line;
      continue;
    }
    calls.push_back(parse_call(j));
  }
  return calls;
}

raw_client reply_test::connect() const {
  return raw_client(server_ ? server_->port() : std::uint16_t{0});
}

http_response reply_test::post(raw_client& c, std::string_view target, std::string_view type,
                               header_list const& extra, std::string_view body,
                               std::string_view host) {
  std::string bytes = "BITS_POST " + std::string(target) +
                      " HTTP/1.1\r\nHost: " + (host.empty() ? server_host() : std::string(host)) +
                      "\r\nBITS-Packet-Type: " + std::string(type) + "\r\n";
  for (auto const& [name, value] : extra) bytes += name + ": " + value + "\r\n";
  bytes += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  bytes.append(body);
  return c.request(bytes);
}

std::string reply_test::create(raw_client& c, std::string_view target, std::string_view host) {
  auto const r = post(c, target, "Create-Session",
                      {{"BITS-Supported-Protocols", std::string(protocol_guid)}}, {}, host);
  auto const id = r.header("BITS-Session-Id");
  if (r.status != 200 || !id || id->empty()) {
    ADD_FAILURE() << "Create-Session " << target << " failed:\n" << r.describe();
    return {};
  }
  return *id;
}

http_response reply_test::fragment(raw_client& c, std::string_view target, std::string_view id,
                                   std::uint64_t first, std::string_view bytes, std::uint64_t total,
                                   std::string_view host) {
  return post(c, target, "Fragment",
              {{"BITS-Session-Id", std::string(id)},
               {"Content-Range", content_range(first, first + bytes.size() - 1, total)}},
              bytes, host);
}

http_response reply_test::close(raw_client& c, std::string_view target, std::string_view id) {
  return post(c, target, "Close-Session", {{"BITS-Session-Id", std::string(id)}});
}

http_response reply_test::cancel(raw_client& c, std::string_view target, std::string_view id) {
  return post(c, target, "Cancel-Session", {{"BITS-Session-Id", std::string(id)}});
}

reply_test::upload_result reply_test::upload(raw_client& c, std::string_view target,
                                             std::string_view data, std::size_t fragment_size,
                                             std::string_view host) {
  upload_result out;
  out.id = create(c, target, host);
  if (out.id.empty()) return out;
  for (std::size_t first = 0; first < data.size(); first += fragment_size) {
    auto const piece = data.substr(first, fragment_size);
    out.last = fragment(c, target, out.id, first, piece, data.size(), host);
    bool const final = first + piece.size() == data.size();
    if (!final) {
      auto const ok = is_progress_ack(out.last, first + piece.size());
      if (!ok) {
        ADD_FAILURE() << "fragment at " << first << ": " << ok.message();
        return out;
      }
    }
  }
  return out;
}

http_response reply_test::resend_tail(raw_client& c, std::string_view target, std::string_view id,
                                      std::string_view data, std::uint64_t first,
                                      std::string_view host) {
  return fragment(c, target, id, first, data.substr(first), data.size(), host);
}

http_response reply_test::get(std::string_view target, header_list const& extra,
                              std::string_view method) const {
  raw_client c(server_ ? server_->port() : std::uint16_t{0}, 5s);
  std::string bytes = std::string(method) + " " + std::string(target) +
                      " HTTP/1.1\r\nHost: " + server_host() + "\r\n";
  for (auto const& [name, value] : extra) bytes += name + ": " + value + "\r\n";
  bytes += "Connection: close\r\n\r\n";
  http_response r = c.request(bytes);
  // raw_client does not know the request was HEAD and waits for Content-Length bytes;
  // the server closes instead (Connection: close), which leaves a complete head.
  if (method == "HEAD" && r.status != 0 && r.outcome == read_outcome::closed) {
    r.outcome = read_outcome::response;
  }
  return r;
}

std::string reply_test::path_of(std::string_view url) {
  auto const scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  auto const slash = url.find('/', scheme + 3);
  return slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
}

std::vector<std::string> reply_test::spool_entries() const {
  return spool_session_folders(spool());
}

bool reply_test::spool_empties_within(double seconds) const {
  auto const deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (;;) {
    if (spool_entries().empty()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
}

}  // namespace bits::test
