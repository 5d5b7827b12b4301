# ASan + UBSan for the whole build (the `asan` preset). UBSan aborts on the first report so that
# a test cannot pass with undefined behaviour printed in its log.
if(LEAKDEMO_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
