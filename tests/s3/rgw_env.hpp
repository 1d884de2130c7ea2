// The Ceph RADOS Gateway that CTest starts once for the S3 tests (fixture "rgw",
// scripts/ceph-rgw.sh): where it listens and the keys of its test user, read from the
// env file named by BITS_RGW_ENV.
#pragma once

#include "s3/client.hpp"

#include <memory>
#include <string>

namespace bits::test {

struct rgw_env {
  std::string endpoint;      ///< http://127.0.0.1:PORT
  std::string tls_endpoint;  ///< https://127.0.0.1:PORT
  std::string ca_file;       ///< the TLS endpoint's self-signed certificate
  std::string access_key;
  std::string secret_key;
  std::string region;
};

/// The gateway of this test run; fails the test (fatal) when BITS_RGW_ENV is unset or
/// unreadable: run the S3 tests through ctest, which starts the gateway.
[[nodiscard]] rgw_env const& rgw();

/// Client options for `bucket` on the gateway (path-style, plain HTTP, quick retries).
[[nodiscard]] s3::client_options rgw_options(std::string const& bucket);

/// A bucket name no other test uses: "t-<name>-<random>", lower case.
[[nodiscard]] std::string unique_bucket(std::string const& name);

/// A fresh bucket on the gateway and a client for it; removed again (objects and all) on
/// destruction.
class rgw_bucket {
 public:
  explicit rgw_bucket(std::string const& name);
  ~rgw_bucket();
  rgw_bucket(rgw_bucket const&) = delete;
  rgw_bucket& operator=(rgw_bucket const&) = delete;

  [[nodiscard]] std::string const& name() const noexcept { return name_; }
  [[nodiscard]] s3::client& client() const noexcept { return *client_; }

 private:
  std::string name_;
  std::unique_ptr<s3::client> client_;
};

}  // namespace bits::test
