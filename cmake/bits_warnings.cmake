# INTERFACE target openbits::warnings: the warning set every target of ours compiles with.
add_library(openbits_warnings INTERFACE)
add_library(openbits::warnings ALIAS openbits_warnings)
target_compile_options(openbits_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
  -Werror=switch -Werror=return-type)
if(BITS_WERROR)
  target_compile_options(openbits_warnings INTERFACE -Werror)
endif()
