// exec_hook: one run_process per call.
#include "hooks/exec_hook.hpp"

#include <cerrno>

namespace bits::hooks {
namespace {

class exec_hook final : public hook {
 public:
  explicit exec_hook(exec_hook_options options) : options_(std::move(options)) {}

  hook_result call(event_message const& message) override {
    std::vector<std::string> const env{
        "OPENBITS_HOOK_EVENT=" + std::string(to_string(message.type)),
        "OPENBITS_HOOK_ID=" + message.id,
    };
    process_result r = run_process(options_.command, env, message.json, options_.limits);
    hook_result out;
    out.detail = hooks::describe(r, options_.limits);
    if (r.how == process_result::ending::exited) {
      out.answer = r.code == 0 ? hook_answer::accepted : hook_answer::refused;
    }
    out.output = std::move(r.out);
    return out;
  }

  std::string describe() const override { return "exec " + options_.command.front(); }

 private:
  exec_hook_options options_;
};

}  // namespace

result<std::unique_ptr<hook>> make_exec_hook(exec_hook_options options) {
  if (options.command.empty() || !options.command.front().starts_with('/')) {
    return boost::system::error_code(EINVAL, boost::system::system_category());
  }
  return std::unique_ptr<hook>(std::make_unique<exec_hook>(std::move(options)));
}

}  // namespace bits::hooks
