// One boost::system error category for any enum with a message function, so each error
// enum of the project (bits::error, auth_error, client::errc, libcurl's codes) needs
// only its texts and a name:
//
//   boost::system::error_category const& auth_category() noexcept {
//     static core::enum_category<auth_error> const instance{"bits.auth", describe,
//                                                           "unknown auth error"};
//     return instance;
//   }
#pragma once

#include <boost/system/error_category.hpp>

#include <string>

namespace bits::core {

// boost::system::error_category has a protected non-virtual destructor (categories are
// never deleted through a base pointer); -Wnon-virtual-dtor still flags every subclass.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"

/// The category named `name` whose message for value v is describe(Enum(v)); when that
/// is nullptr (a value outside the enum), "<unknown> v".
template <class Enum>
class enum_category final : public boost::system::error_category {
 public:
  using describe_fn = char const* (*)(Enum);

  enum_category(char const* name, describe_fn describe, char const* unknown) noexcept
      : name_(name), describe_(describe), unknown_(unknown) {}

  [[nodiscard]] char const* name() const noexcept override { return name_; }

  [[nodiscard]] std::string message(int value) const override {
    char const* text = describe_(static_cast<Enum>(value));
    return text != nullptr ? std::string(text)
                           : std::string(unknown_) + " " + std::to_string(value);
  }

 private:
  char const* name_;
  describe_fn describe_;
  char const* unknown_;
};

#pragma GCC diagnostic pop

}  // namespace bits::core
