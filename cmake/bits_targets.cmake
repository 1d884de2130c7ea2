# The shapes every layer library and test executable share, declared once.

# bits_add_library(<name> SOURCES <file>... [PUBLIC <lib>...] [PRIVATE <lib>...]
#                  [INCLUDE <dir>])
# The static library openbits_<name> with the alias openbits::<name>: <dir> (default:
# the project's src/) as its public include directory, the PUBLIC and PRIVATE link
# libraries, and the project's warnings.
function(bits_add_library name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "INCLUDE" "SOURCES;PUBLIC;PRIVATE")
  if(NOT arg_INCLUDE)
    set(arg_INCLUDE ${PROJECT_SOURCE_DIR}/src)
  endif()
  add_library(openbits_${name} STATIC ${arg_SOURCES})
  add_library(openbits::${name} ALIAS openbits_${name})
  target_include_directories(openbits_${name} PUBLIC ${arg_INCLUDE})
  target_link_libraries(openbits_${name} PUBLIC ${arg_PUBLIC} PRIVATE ${arg_PRIVATE} openbits::warnings)
endfunction()

# bits_add_tests(<target> SOURCES <file>... LIBS <lib>... [LABEL <label>]
#                [TIMEOUT <seconds>] [DAEMON] [PROPERTIES <name> <value>...])
# A GoogleTest executable linked with <lib>..., GTest::gtest_main and the project's
# warnings, whose tests CTest discovers with LABELS <label> (default: unit), TIMEOUT
# and PROPERTIES when given. DAEMON: its tests start openbitsd, which is then built
# first (unless BITS_TEST_OPENBITSD names a binary to test instead).
function(bits_add_tests target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "DAEMON" "LABEL;TIMEOUT" "SOURCES;LIBS;PROPERTIES")
  if(NOT arg_LABEL)
    set(arg_LABEL unit)
  endif()
  add_executable(${target} ${arg_SOURCES})
  target_link_libraries(${target} PRIVATE ${arg_LIBS} GTest::gtest_main openbits::warnings)
  set(properties LABELS ${arg_LABEL})
  if(arg_TIMEOUT)
    list(APPEND properties TIMEOUT ${arg_TIMEOUT})
  endif()
  list(APPEND properties ${arg_PROPERTIES})
  if(arg_DAEMON AND NOT BITS_TEST_OPENBITSD)
    add_dependencies(${target} openbitsd)
  endif()
  gtest_discover_tests(${target} PROPERTIES ${properties} DISCOVERY_TIMEOUT 60)
endfunction()
