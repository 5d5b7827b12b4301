# ASan + UBSan for the whole build (the `asan` preset). UBSan aborts on the first report so that
# a test cannot pass with undefined behaviour printed in its log.
if(LEAKDEMO_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# The fuzz configuration (`fuzz` preset, clang): every object is instrumented for libFuzzer's coverage and
# checked by ASan + UBSan; only the fuzz targets link libFuzzer's main (fuzz/CMakeLists.txt).
if(LEAKDEMO_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "LEAKDEMO_FUZZ needs clang (libFuzzer): use the `fuzz` preset (clang++-14)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
