// admin_test: the admin listener's port, requests to it, samples of /metrics.
#include "admin/admin_fixture.hpp"

#include <sstream>

namespace bits::test {

daemon_options admin_test::admin_options(std::initializer_list<setting_values::entry> admin) const {
  auto options = up_options();
  options.admin.set("listen", std::vector<std::string>{"127.0.0.1:0"});
  for (auto const& [key, value] : admin) options.admin.set(key, value);
  return options;
}

http_response admin_test::admin_get(std::string_view target, header_list const& extra) {
  raw_client client(admin_port(), std::chrono::seconds(5));
  std::string head = "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (auto const& [name, value] : extra) head += name + ": " + value + "\r\n";
  head += "Connection: close\r\n\r\n";
  return client.request(head);
}

::testing::AssertionResult admin_test::upload_file(std::string const& url, std::string_view data,
                                                   std::size_t fragment) {
  auto client = connect();
  auto const id = upload(client, url, data, fragment);
  if (id.empty()) return ::testing::AssertionFailure() << "upload of " << url << " failed";
  return is_ack(client.close_session(url, id), 200);
}

std::optional<double> sample(std::string const& text, std::string_view name,
                             std::vector<std::string> const& labels) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto const name_end = line.find_first_of("{ ");
    if (line.substr(0, name_end) != name) continue;
    auto const value_at = line.rfind(' ');
    std::string const label_text =
        line[name_end] == '{' ? line.substr(name_end, value_at - name_end) : std::string();
    bool all = true;
    for (auto const& l : labels) all = all && label_text.find(l) != std::string::npos;
    if (all) return std::stod(line.substr(value_at + 1));
  }
  return std::nullopt;
}

}  // namespace bits::test
