# cmake -DPROGRAM=leakdemo -DSHELL_NAME=bash -DOUTPUT=FILE -P WriteCompletion.cmake (cmake/Completions.cmake):
# FILE gets `leakdemo --completions SHELL`, whole or not at all (written beside it, then renamed).
get_filename_component(output_dir "${OUTPUT}" DIRECTORY)
file(MAKE_DIRECTORY "${output_dir}")
execute_process(COMMAND "${PROGRAM}" --completions "${SHELL_NAME}" OUTPUT_FILE "${OUTPUT}.part"
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  file(REMOVE "${OUTPUT}.part")
  message(FATAL_ERROR "${PROGRAM} --completions ${SHELL_NAME} failed: ${result}")
endif()
file(RENAME "${OUTPUT}.part" "${OUTPUT}")
