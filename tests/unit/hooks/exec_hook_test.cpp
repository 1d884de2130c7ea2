// The executable hook with shell scripts written by the tests: the event on standard
// input and in the environment, pre-create refusals from the exit status and standard
// output, and hooks that time out or cannot run.
#include "hooks/exec_hook.hpp"
#include "hooks/pre_create.hpp"

#include "support/digest.hpp"
#include "support/temp_dir.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace bits::hooks {
namespace {

using namespace std::chrono_literals;

class ExecHook : public ::testing::Test {
 protected:
  /// Writes `body` as an executable /bin/sh script and makes a hook of it.
  std::shared_ptr<hook> script(std::string const& body, std::chrono::milliseconds timeout = 5s,
                               mode_t mode = 0755) {
    auto const path = tmp_ / ("hook" + std::to_string(++scripts_) + ".sh");
    EXPECT_TRUE(test::write_file(path, "#!/bin/sh\n" + body + "\n"));
    ::chmod(path.c_str(), mode);
    exec_hook_options o;
    o.command = {path.string()};
    o.limits.timeout = timeout;
    auto h = make_exec_hook(o);
    EXPECT_TRUE(h);
    return h ? std::shared_ptr<hook>(std::move(*h)) : nullptr;
  }

  static event pre_create_event(std::string path) {
    event e;
    e.type = event_type::pre_create;
    e.id = random_event_id();
    e.time = 1'800'000'000;
    e.vdir = "/up/";
    e.url_path = std::move(path);
    e.file_path = "/srv" + e.url_path;
    e.principal = "alice";
    e.client_address = "127.0.0.1";
    return e;
  }

  test::temp_dir tmp_;
  int scripts_ = 0;
};

TEST_F(ExecHook, GetsTheEventOnStandardInputAndItsTypeAndIdInTheEnvironment) {
  auto const out = tmp_ / "seen";
  auto h = script("cat > " + (out.string() + ".json") +
                  "; echo \"$OPENBITS_HOOK_EVENT $OPENBITS_HOOK_ID\" > " + out.string() + ".env");
  event e = pre_create_event("/up/a.dmp");
  e.type = event_type::post_commit;
  e.size = 5;
  auto const r = h->call(make_message(e));
  EXPECT_EQ(r.answer, hook_answer::accepted) << r.detail;
  EXPECT_EQ(test::read_file(out.string() + ".json"), to_json(e));
  EXPECT_EQ(test::read_file(out.string() + ".env"), "post-commit " + e.id + "\n");
  auto const j = nlohmann::json::parse(test::read_file(out.string() + ".json"));
  EXPECT_EQ(j["url_path"], "/up/a.dmp");
  EXPECT_EQ(j["size"], 5);
}

TEST_F(ExecHook, RejectsNamesThatDoNotMatchAPattern) {
  // The README's example: only .dmp files, refused with 400 and E_INVALIDARG otherwise.
  auto h = script(R"sh(case "$(cat)" in
  *'"url_path":"/up/'*'.dmp"'*) exit 0 ;;
esac
echo '{"status": 400, "bits_error_code": "0x80070057", "reason": "only .dmp files"}'
exit 1)sh");
  auto const ok = run_pre_create(*h, pre_create_event("/up/crash-1.dmp"), failure_mode::refuse);
  EXPECT_TRUE(ok.allowed) << ok.detail;
  auto const no = run_pre_create(*h, pre_create_event("/up/notes.txt"), failure_mode::allow);
  EXPECT_FALSE(no.allowed);
  EXPECT_FALSE(no.hook_failed);
  EXPECT_EQ(no.refusal.status, 400U);
  EXPECT_EQ(no.refusal.code, 0x80070057U);
  EXPECT_EQ(no.detail, "exit 1: only .dmp files");
}

TEST_F(ExecHook, AHookPastItsTimeLimitIsKilledAndTheFailureModeDecides) {
  auto h = script("sleep 30", 300ms);
  auto const start = std::chrono::steady_clock::now();
  auto const allowed = run_pre_create(*h, pre_create_event("/up/x"), failure_mode::allow);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_TRUE(allowed.allowed);
  EXPECT_TRUE(allowed.hook_failed);
  EXPECT_EQ(allowed.detail, "timed out after 300 ms");
  auto const refused = run_pre_create(*h, pre_create_event("/up/x"), failure_mode::refuse);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.refusal.status, 503U);
}

TEST_F(ExecHook, AHookThatCannotRunHasNoAnswer) {
  auto h = script("exit 0", 5s, 0644);  // not executable
  auto const r = h->call(make_message(pre_create_event("/up/x")));
  EXPECT_EQ(r.answer, hook_answer::failed);
  EXPECT_NE(r.detail.find("cannot start"), std::string::npos) << r.detail;
}

TEST_F(ExecHook, TheProgramPathMustBeAbsolute) {
  exec_hook_options o;
  o.command = {"hook.sh"};
  EXPECT_FALSE(make_exec_hook(o));
  o.command = {};
  EXPECT_FALSE(make_exec_hook(o));
}

}  // namespace
}  // namespace bits::hooks
