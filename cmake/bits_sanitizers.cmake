# Sanitizer and fuzzing instrumentation for every target (compile and link).
#  BITS_SANITIZE=ON       AddressSanitizer + UndefinedBehaviorSanitizer, any report fatal
#                         (GCC or clang; scripts/test-sanitize.sh).
#  BITS_BUILD_FUZZERS=ON  clang only: the same sanitizers plus libFuzzer's coverage
#                         instrumentation on the libraries too, so the fuzzers in
#                         tests/fuzz see inside the code they drive (scripts/fuzz.sh).
# Included before any target is defined, so add_compile_options reaches all of them.
option(BITS_SANITIZE "Build everything with AddressSanitizer and UBSan" OFF)

set(BITS_SANITIZER_FLAGS
  -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)

if(BITS_SANITIZE OR BITS_BUILD_FUZZERS)
  add_compile_options(${BITS_SANITIZER_FLAGS})
  add_link_options(${BITS_SANITIZER_FLAGS})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC's own advice: the instrumentation makes -Wmaybe-uninitialized unreliable (GCC 12
    # reports it inside libstdc++'s <regex> and <functional>), and -Werror builds stop.
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()

if(BITS_BUILD_FUZZERS AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
