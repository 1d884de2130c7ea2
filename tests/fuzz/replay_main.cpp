// Runs fuzz targets over files without libFuzzer, so every committed corpus is replayed
// by whatever compiler built the tests, and a crash file from a fuzzing run can be
// reproduced under a debugger.
//   openbits_fuzz_replay TARGET PATH...   files, or directories read recursively
//   openbits_fuzz_replay --list           the targets
// A property violation aborts (BITS_FUZZ_CHECK); the last "replay" line names the input.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#define BITS_FUZZ_TARGET(name) \
  extern "C" int bits_fuzz_entry_##name(std::uint8_t const* data, std::size_t size);
#include "fuzz_targets.inc"
#undef BITS_FUZZ_TARGET

namespace {

namespace fs = std::filesystem;

struct fuzz_target {
  std::string_view name;
  int (*run)(std::uint8_t const*, std::size_t);
};

constexpr fuzz_target all_targets[] = {
#define BITS_FUZZ_TARGET(name) {#name, &bits_fuzz_entry_##name},
#include "fuzz_targets.inc"
#undef BITS_FUZZ_TARGET
};

// Every regular file named by `paths` (directories recursively), sorted so runs repeat.
std::vector<fs::path> collect(std::vector<std::string> const& paths) {
  std::vector<fs::path> files;
  for (auto const& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (auto const& e : fs::recursive_directory_iterator(p, ec)) {
        if (e.is_regular_file(ec)) files.push_back(e.path());
      }
    } else if (fs::is_regular_file(p, ec)) {
      files.emplace_back(p);
    } else {
      std::fprintf(stderr, "replay: no such file or directory: %s\n", p.c_str());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool read_file(fs::path const& path, std::vector<std::uint8_t>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

int usage() {
  std::fprintf(stderr, "usage: openbits_fuzz_replay TARGET PATH...\n       targets:");
  for (auto const& t : all_targets) {
    std::fprintf(stderr, " %.*s", static_cast<int>(t.name.size()), t.name.data());
  }
  std::fprintf(stderr, "\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && args[0] == "--list") {
    for (auto const& t : all_targets)
      std::printf("%.*s\n", static_cast<int>(t.name.size()), t.name.data());
    return 0;
  }
  if (args.size() < 2) return usage();
  auto const it = std::find_if(std::begin(all_targets), std::end(all_targets),
                               [&](fuzz_target const& t) { return t.name == args[0]; });
  if (it == std::end(all_targets)) return usage();

  auto const files = collect({args.begin() + 1, args.end()});
  // An empty corpus is a broken path, not a pass.
  if (files.empty()) {
    std::fprintf(stderr, "replay: no inputs for %s\n", args[0].c_str());
    return 1;
  }
  std::vector<std::uint8_t> data;
  for (auto const& f : files) {
    if (!read_file(f, data)) {
      std::fprintf(stderr, "replay: cannot read %s\n", f.c_str());
      return 1;
    }
    std::fprintf(stderr, "replay %s: %s (%zu bytes)\n", args[0].c_str(), f.c_str(), data.size());
    it->run(data.data(), data.size());
  }
  std::printf("%s: %zu inputs replayed, no property violated\n", args[0].c_str(), files.size());
  return 0;
}
