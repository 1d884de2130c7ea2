// run_process with real programs: exit status, input and outputs, environment, no
// shell, bounds on output, the time limit killing the whole process group, inherited
// descriptors, and programs that leave something running.
#include "hooks/process.hpp"

#include "support/digest.hpp"
#include "support/temp_dir.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <thread>

namespace bits::hooks {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

process_limits limits(std::chrono::milliseconds timeout = 5000ms) {
  process_limits l;
  l.timeout = timeout;
  return l;
}

/// True once `pid` is gone or a zombie (nobody may reap it in a container).
bool dead(pid_t pid) {
  for (int i = 0; i < 200; ++i) {
    std::string const stat = test::read_file("/proc/" + std::to_string(pid) + "/stat");
    auto const close = stat.rfind(')');
    if (stat.empty() || (close != std::string::npos && stat.substr(close + 2, 1) == "Z"))
      return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST(Process, ExitStatusInputAndOutputs) {
  auto const r =
      run_process({"/bin/sh", "-c", "cat; echo oops >&2; exit 3"}, {}, "hello", limits());
  EXPECT_EQ(r.how, process_result::ending::exited);
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.out, "hello");
  EXPECT_EQ(r.err, "oops\n");
  EXPECT_EQ(describe(r, limits()), "exit 3: oops");
}

TEST(Process, ExtraEnvironmentReplacesAndAdds) {
  ::setenv("OPENBITS_TEST_VAR", "old", 1);
  auto const r = run_process({"/bin/sh", "-c", "echo \"$OPENBITS_TEST_VAR $OPENBITS_NEW\""},
                             {"OPENBITS_TEST_VAR=new", "OPENBITS_NEW=1"}, "", limits());
  ::unsetenv("OPENBITS_TEST_VAR");
  EXPECT_EQ(r.out, "new 1\n");
}

TEST(Process, ArgumentsReachTheProgramWithoutAShell) {
  auto const r = run_process({"/bin/echo", "$HOME;", "`id`", "*"}, {}, "", limits());
  EXPECT_EQ(r.how, process_result::ending::exited);
  EXPECT_EQ(r.out, "$HOME; `id` *\n");
}

TEST(Process, TimeLimitKillsTheWholeProcessGroup) {
  test::temp_dir tmp;
  auto const pid_file = tmp / "grandchild.pid";
  auto const start = clock::now();
  auto const r =
      run_process({"/bin/sh", "-c", "sleep 30 & echo $! > " + pid_file.string() + "; wait"}, {}, "",
                  limits(300ms));
  EXPECT_LT(clock::now() - start, 10s);  // not the 30 s of the sleep
  EXPECT_EQ(r.how, process_result::ending::timed_out);
  EXPECT_EQ(describe(r, limits(300ms)), "timed out after 300 ms");
  std::string const pid_text = test::read_file(pid_file);
  ASSERT_FALSE(pid_text.empty());
  EXPECT_TRUE(dead(static_cast<pid_t>(std::stol(pid_text))));
}

TEST(Process, OutputBeyondTheBoundIsReadAndDropped) {
  process_limits l = limits();
  l.max_stdout = 1000;
  l.max_stderr = 10;
  auto const r = run_process(
      {"/bin/sh", "-c", "head -c 3000000 /dev/zero; head -c 100000 /dev/zero >&2"}, {}, "", l);
  EXPECT_EQ(r.how, process_result::ending::exited);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.size(), 1000U);
  EXPECT_EQ(r.err.size(), 10U);
}

TEST(Process, AProgramThatIgnoresItsInputIsFine) {
  std::string const big(4 * 1024 * 1024, 'x');  // more than a pipe holds
  auto const r = run_process({"/bin/true"}, {}, big, limits());
  EXPECT_EQ(r.how, process_result::ending::exited);
  EXPECT_EQ(r.code, 0);
}

TEST(Process, AMissingProgramIsNotStarted) {
  auto const r = run_process({"/nonexistent/hook"}, {}, "", limits());
  EXPECT_EQ(r.how, process_result::ending::not_started);
  EXPECT_EQ(r.code, ENOENT);
  EXPECT_EQ(run_process({}, {}, "", limits()).how, process_result::ending::not_started);
}

TEST(Process, OnlyTheStandardDescriptorsAreInherited) {
  int const plain = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC, like Asio's sockets
  ASSERT_GE(plain, 0);
  int const high = ::fcntl(plain, F_DUPFD, 57);
  ASSERT_GE(high, 57);
  auto const r = run_process({"/bin/ls", "/proc/self/fd"}, {}, "", limits());
  ::close(plain);
  ::close(high);
  EXPECT_EQ(r.how, process_result::ending::exited);
  EXPECT_EQ(r.out, "0\n1\n2\n3\n");  // 3: ls's own handle of the folder
}

TEST(Process, SomethingLeftRunningIsNeitherWaitedForNorKilled) {
  auto const start = clock::now();
  auto const r = run_process({"/bin/sh", "-c", "sleep 20 & echo $!"}, {}, "", limits(30s));
  EXPECT_LT(clock::now() - start, 10s);
  EXPECT_EQ(r.how, process_result::ending::exited);
  ASSERT_FALSE(r.out.empty());
  auto const pid = static_cast<pid_t>(std::stol(r.out));
  EXPECT_EQ(::kill(pid, 0), 0);
  ::kill(pid, SIGKILL);
}

TEST(Process, ASignalEndingIsReported) {
  auto const r = run_process({"/bin/sh", "-c", "kill -SEGV $$"}, {}, "", limits());
  EXPECT_EQ(r.how, process_result::ending::signalled);
  EXPECT_EQ(r.code, SIGSEGV);
}

}  // namespace
}  // namespace bits::hooks
