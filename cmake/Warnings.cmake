# Warnings live on an interface target so every project target opts in the same way.
add_library(leakdemo_warnings INTERFACE)
target_compile_options(leakdemo_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
# Not -Wnull-dereference: at -O2 GCC 12 reports it inside libstdc++'s own std::string constructors (a known
# false positive), which -Werror would turn into a broken build.
# -Werror only where someone asked for it (CI, `make test`), never for a user's build.
if(LEAKDEMO_WERROR)
  target_compile_options(leakdemo_warnings INTERFACE -Werror)
endif()

# The C example is the article's program; it gets C warnings of its own.
add_library(leakdemo_c_warnings INTERFACE)
target_compile_options(leakdemo_c_warnings INTERFACE -Wall -Wextra -Wpedantic)
if(LEAKDEMO_WERROR)
  target_compile_options(leakdemo_c_warnings INTERFACE -Werror)
endif()
