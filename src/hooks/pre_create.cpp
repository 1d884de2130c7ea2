// Pre-create answers to decisions.
#include "hooks/pre_create.hpp"

#include <nlohmann/json.hpp>

namespace bits::hooks {
namespace {

using json = nlohmann::json;

constexpr unsigned default_status = 403;
constexpr unsigned unavailable_status = 503;

}  // namespace

refusal_details parse_refusal(std::string_view output) {
  refusal_details d;
  json const j = json::parse(output, nullptr, false);
  if (!j.is_object()) return d;
  if (auto const it = j.find("status"); it != j.end() && it->is_number_integer()) {
    auto const v = it->get<std::int64_t>();
    if (v >= 400 && v <= 599) d.status = static_cast<unsigned>(v);
  }
  if (auto const it = j.find("bits_error_code"); it != j.end()) {
    if (it->is_string()) {
      d.code = core::parse_hresult(it->get<std::string>());
    } else if (it->is_number_integer()) {
      auto const v = it->get<std::int64_t>();
      if (v >= 0 && v <= 0xFFFFFFFFLL) d.code = static_cast<std::uint32_t>(v);
    }
  }
  if (auto const it = j.find("reason"); it != j.end() && it->is_string()) {
    d.reason = it->get<std::string>().substr(0, 512);
  }
  return d;
}

pre_create_decision decide_pre_create(hook_result const& answer, failure_mode mode) {
  pre_create_decision d;
  d.detail = answer.detail;
  switch (answer.answer) {
    case hook_answer::accepted:
      return d;
    case hook_answer::refused: {
      auto const details = parse_refusal(answer.output);
      d.allowed = false;
      d.refusal.status = details.status.value_or(default_status);
      d.refusal.code =
          details.code.value_or(details.status ? core::hresult::http_error_base + *details.status
                                               : core::hresult::e_accessdenied);
      d.refusal.context = core::error_context::remote_application;
      if (!details.reason.empty()) d.detail += ": " + details.reason;
      return d;
    }
    case hook_answer::failed:
      d.hook_failed = true;
      if (mode == failure_mode::refuse) {
        d.allowed = false;
        d.refusal = {unavailable_status, core::hresult::http_error_base + unavailable_status,
                     core::error_context::remote_file};
      }
      return d;
  }
  return d;
}

pre_create_decision run_pre_create(hook& h, event const& e, failure_mode mode) {
  return decide_pre_create(h.call(make_message(e)), mode);
}

}  // namespace bits::hooks
