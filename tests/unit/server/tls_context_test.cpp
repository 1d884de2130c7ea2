// The TLS context from PEM files: built when they are right; otherwise an error that
// names the file and carries OpenSSL's reason, and a holder that keeps its context.
#include "server/tls_context.hpp"
#include "support/temp_dir.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace bits::server {
namespace {

/// A self-signed P-256 certificate for CN=localhost: `dir`/`name`.pem and .key.
bool make_cert(std::filesystem::path const& dir, std::string const& name) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  if (!key || !cert) return false;
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<unsigned char const*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return false;
  auto write = [](std::filesystem::path const& path, auto&& writer) {
    std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(path.c_str(), "w"), std::fclose);
    return f && writer(f.get()) == 1;
  };
  return write(dir / (name + ".pem"), [&](FILE* f) { return PEM_write_X509(f, cert.get()); }) &&
         write(dir / (name + ".key"), [&](FILE* f) {
           return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
         });
}

class tls_context_test : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(make_cert(tmp_.path(), "a"));
    ASSERT_TRUE(make_cert(tmp_.path(), "b"));
  }
  [[nodiscard]] tls_files files(std::string const& cert, std::string const& key) const {
    tls_files f;
    f.cert = (tmp_.path() / (cert + ".pem")).string();
    f.key = (tmp_.path() / (key + ".key")).string();
    return f;
  }

  test::temp_dir tmp_;
};

TEST_F(tls_context_test, MatchingFilesGiveAContextForEveryMinimumVersion) {
  for (auto const version : {settings::tls_version::v1_0, settings::tls_version::v1_1,
                             settings::tls_version::v1_2, settings::tls_version::v1_3}) {
    auto f = files("a", "a");
    f.min_version = version;
    auto ctx = make_tls_context(f);
    ASSERT_TRUE(ctx) << settings::name_of(version) << ": " << ctx.error().message();
    EXPECT_NE(*ctx, nullptr);
  }
}

TEST_F(tls_context_test, MissingCertificateNamesTheFileAndTheCause) {
  auto f = files("a", "a");
  f.cert = (tmp_.path() / "missing.pem").string();
  auto ctx = make_tls_context(f);
  ASSERT_FALSE(ctx);
  EXPECT_EQ(ctx.error().context, "TLS certificate " + f.cert);
  EXPECT_TRUE(ctx.error().cause) << "no cause from OpenSSL";
  EXPECT_NE(ctx.error().message().find(f.cert + ": "), std::string::npos) << ctx.error().message();
}

TEST_F(tls_context_test, KeyOfAnotherCertificateIsRefused) {
  auto ctx = make_tls_context(files("a", "b"));
  ASSERT_FALSE(ctx);
  EXPECT_NE(ctx.error().context.find("b.key"), std::string::npos) << ctx.error().message();
  // OpenSSL refuses the key when it is loaded ("key values mismatch"): the reason is its.
  EXPECT_TRUE(ctx.error().cause) << ctx.error().message();
}

TEST_F(tls_context_test, MissingClientCaIsAnError) {
  auto f = files("a", "a");
  f.client_ca = (tmp_.path() / "no-ca.pem").string();
  auto ctx = make_tls_context(f);
  ASSERT_FALSE(ctx);
  EXPECT_EQ(ctx.error().context, "TLS client CA " + f.client_ca);
}

TEST_F(tls_context_test, HolderSwapsOnReloadAndKeepsTheOldContextOnFailure) {
  tls_context_holder holder(files("a", "a"));
  EXPECT_EQ(holder.current(), nullptr) << "nothing before the first load";
  ASSERT_TRUE(holder.load());
  auto const first = holder.current();
  ASSERT_NE(first, nullptr);

  ASSERT_TRUE(holder.load());
  auto const second = holder.current();
  EXPECT_NE(second, first) << "a reload builds a new context for new connections";

  std::filesystem::remove(tmp_.path() / "a.key");
  auto const failed = holder.load();
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message().find("a.key"), std::string::npos);
  EXPECT_EQ(holder.current(), second) << "a failed reload must keep the working context";
}

}  // namespace
}  // namespace bits::server
