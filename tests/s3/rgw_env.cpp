// Reading the gateway's env file, and per-test buckets.
#include "s3/rgw_env.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <stdexcept>

namespace bits::test {

namespace {

rgw_env load() {
  char const* path = std::getenv("BITS_RGW_ENV");
  if (path == nullptr) {
    throw std::runtime_error("BITS_RGW_ENV is not set: run the S3 tests through ctest");
  }
  std::ifstream in(path);
  if (!in) throw std::runtime_error(std::string("cannot read ") + path);
  std::map<std::string, std::string> kv;
  std::string line;
  while (std::getline(in, line)) {
    auto const eq = line.find('=');
    if (eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return rgw_env{kv["S3_ENDPOINT"],   kv["S3_TLS_ENDPOINT"], kv["S3_CA_FILE"],
                 kv["S3_ACCESS_KEY"], kv["S3_SECRET_KEY"],   kv["S3_REGION"]};
}

}  // namespace

rgw_env const& rgw() {
  static rgw_env const env = load();
  return env;
}

s3::client_options rgw_options(std::string const& bucket) {
  auto const& e = rgw();
  s3::client_options o;
  o.endpoint = e.endpoint;
  o.bucket = bucket;
  o.region = e.region;
  o.keys = s3::credentials{e.access_key, e.secret_key, ""};
  o.backoff_base = std::chrono::milliseconds(20);
  o.backoff_cap = std::chrono::milliseconds(200);
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.stall_timeout = std::chrono::seconds(10);
  o.request_timeout = std::chrono::seconds(30);
  return o;
}

std::string unique_bucket(std::string const& name) {
  std::string n = "t-";
  for (char c : name) {
    auto const u = static_cast<unsigned char>(c);
    n += std::isalnum(u) != 0 ? static_cast<char>(std::tolower(u)) : '-';
  }
  n = n.substr(0, 40);
  std::random_device rd;
  n += "-" + std::to_string(rd() % 1000000);
  return n;
}

rgw_bucket::rgw_bucket(std::string const& name) : name_(unique_bucket(name)) {
  auto c = s3::client::create(rgw_options(name_));
  if (!c) throw std::runtime_error(c.error().describe());
  client_ = std::move(*c);
  auto made = client_->create_bucket();
  if (!made) throw std::runtime_error("CreateBucket: " + made.error().describe());
}

rgw_bucket::~rgw_bucket() {
  // memstore keeps everything in RAM: leave nothing behind.
  if (auto objects = client_->list_objects("")) {
    for (auto const& o : *objects) static_cast<void>(client_->delete_object(o.key));
  }
  static_cast<void>(client_->delete_bucket());
}

}  // namespace bits::test
