// openbits_s3put: the baseline of the benchmark's farm scenario. Clients PUT objects
// straight to an S3 endpoint (each on its own thread, one kept-alive connection each),
// signed with libcurl's SigV4 and, as openbitsd signs them, with the SHA-256 of every
// body; prints a JSON report in the shape of openbits_loadgen's (elapsed_s, bytes_up,
// up_mib_s, uploads_per_s, uploads_done, errors, error_samples). Loopback only.
#include <curl/curl.h>
#include <openssl/sha.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

struct options {
  std::string endpoint;  ///< http://127.0.0.1:PORT
  std::string bucket;
  std::string region = "us-east-1";
  std::string access_key;
  std::string secret_key;
  std::string prefix = "s3put/";
  unsigned clients = 1;
  std::uint64_t size = 4096;
  std::uint64_t files = 0;  ///< per client; 0 = until --duration ends
  double duration = 0;
  bool create_bucket = false;
  std::string out;
  std::string label;
};

struct shared {
  options const& opt;
  std::string const& body;
  std::string const& body_sha256;
  std::chrono::steady_clock::time_point end;
  std::atomic<std::uint64_t> uploads{0};
  std::atomic<std::uint64_t> errors{0};
  std::mutex mu;
  std::vector<std::string> samples;

  void error(std::string what) {
    ++errors;
    std::lock_guard lock(mu);
    if (samples.size() < 10) samples.push_back(std::move(what));
  }
};

std::string hex_sha256(std::string const& data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<unsigned char const*>(data.data()), data.size(), md);
  static char const digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : md) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

struct reader {
  std::string const* body;
  std::size_t at = 0;
};

std::size_t read_body(char* buf, std::size_t size, std::size_t n, void* user) {
  auto* r = static_cast<reader*>(user);
  auto const len = std::min(size * n, r->body->size() - r->at);
  std::memcpy(buf, r->body->data() + r->at, len);
  r->at += len;
  return len;
}

std::size_t discard(char*, std::size_t size, std::size_t n, void*) {
  return size * n;
}

/// One PUT of `body` to `key`; the HTTP status, or 0 (and `why`) when none arrived.
long put(CURL* h, shared& s, std::string const& key, std::string const& body,
         std::string const& sha, std::string& why) {
  auto const& o = s.opt;
  std::string const url = o.endpoint + "/" + o.bucket + (key.empty() ? "" : "/" + key);
  std::string const sigv4 = "aws:amz:" + o.region + ":s3";
  std::string const user = o.access_key + ":" + o.secret_key;
  std::string const content_sha = "x-amz-content-sha256: " + sha;
  curl_slist* headers = curl_slist_append(nullptr, content_sha.c_str());
  reader r{&body};
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_AWS_SIGV4, sigv4.c_str());
  curl_easy_setopt(h, CURLOPT_USERPWD, user.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h, CURLOPT_READFUNCTION, read_body);
  curl_easy_setopt(h, CURLOPT_READDATA, &r);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 600L);
  CURLcode const rc = curl_easy_perform(h);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    why = curl_easy_strerror(rc);
    return 0;
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

void client(shared& s, unsigned id) {
  CURL* h = curl_easy_init();
  for (std::uint64_t n = 0; s.opt.files == 0 || n < s.opt.files; ++n) {
    if (s.opt.duration > 0 && std::chrono::steady_clock::now() >= s.end) break;
    // The digest of each body is computed per upload, as the node does.
    auto const sha = hex_sha256(s.body);
    std::string why;
    auto const key = s.opt.prefix + "c" + std::to_string(id) + "-" + std::to_string(n) + ".bin";
    long const status = put(h, s, key, s.body, sha, why);
    if (status == 200) {
      ++s.uploads;
    } else {
      s.error(status == 0 ? why : "status " + std::to_string(status));
      break;
    }
  }
  curl_easy_cleanup(h);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"openbits_s3put: concurrent S3 PUTs, the farm scenario's baseline"};
  options o;
  app.add_option("--endpoint", o.endpoint, "http://127.0.0.1:PORT")->required();
  app.add_option("--bucket", o.bucket, "bucket (path-style)")->required();
  app.add_option("--region", o.region, "SigV4 region");
  app.add_option("--access-key", o.access_key)->required();
  app.add_option("--secret-key", o.secret_key)->required();
  app.add_option("--prefix", o.prefix, "key prefix");
  app.add_option("--clients", o.clients, "concurrent clients (threads, one connection each)")
      ->check(CLI::Range(1U, 1024U));
  app.add_option("--size", o.size, "bytes per object")->check(CLI::Range(1ULL, 1ULL << 32));
  app.add_option("--files", o.files, "objects per client (0 = until --duration ends)");
  app.add_option("--duration", o.duration, "seconds");
  app.add_flag("--create-bucket", o.create_bucket, "create the bucket first");
  app.add_option("--out", o.out, "write the JSON report here (default stdout)");
  app.add_option("--label", o.label, "copied into the report");
  CLI11_PARSE(app, argc, argv);
  if (!o.endpoint.starts_with("http://127.0.0.1:") && !o.endpoint.starts_with("http://[::1]:")) {
    std::cerr << "openbits_s3put: --endpoint must be plain HTTP on loopback\n";
    return 2;
  }
  if (o.files == 0 && o.duration <= 0) {
    std::cerr << "openbits_s3put: give --files or --duration\n";
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::string body(o.size, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>((i * 131) >> 3);
  std::string const body_sha = hex_sha256(body);
  shared s{o, body, body_sha, {}, {}, {}, {}, {}};
  if (o.create_bucket) {
    CURL* h = curl_easy_init();
    std::string why;
    long const status = put(h, s, "", std::string(), hex_sha256(""), why);
    curl_easy_cleanup(h);
    if (status != 200) {
      std::cerr << "openbits_s3put: cannot create the bucket: "
                << (status == 0 ? why : "status " + std::to_string(status)) << '\n';
      return 1;
    }
  }
  auto const t0 = std::chrono::steady_clock::now();
  s.end = t0 + std::chrono::milliseconds(static_cast<std::int64_t>(o.duration * 1000));
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < o.clients; ++i) threads.emplace_back([&s, i] { client(s, i); });
  for (auto& t : threads) t.join();
  double const elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto const done = s.uploads.load();
  auto const bytes = done * o.size;
  nlohmann::json j{{"label", o.label},
                   {"mode", "s3put"},
                   {"elapsed_s", elapsed},
                   {"bytes_up", bytes},
                   {"up_mib_s", static_cast<double>(bytes) / (1024.0 * 1024.0) / elapsed},
                   {"uploads_done", done},
                   {"uploads_per_s", static_cast<double>(done) / elapsed},
                   {"errors", s.errors.load()},
                   {"error_samples", s.samples}};
  std::string const text = j.dump(2) + "\n";
  if (o.out.empty() || o.out == "-") {
    std::cout << text;
  } else {
    std::ofstream(o.out, std::ios::trunc) << text;
  }
  return s.errors == 0 ? 0 : 3;
}
