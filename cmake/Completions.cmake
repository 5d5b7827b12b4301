# Shell completions for bash, zsh and fish, written at build time by the built program itself
# (`leakdemo --completions SHELL`, src/cli/completions.hpp) from its one command-line declaration, so they
# cannot drift from the options it accepts. Installed where each shell looks for a package's completions.
if(CMAKE_CROSSCOMPILING)
  message(STATUS "Cross-compiling: the completion scripts need to run leakdemo, so they are not built")
  return()
endif()

set(leakdemo_completion_outputs "")
function(leakdemo_completion shell file destination)
  set(output "${PROJECT_BINARY_DIR}/completions/${file}")
  add_custom_command(
    OUTPUT "${output}"
    COMMAND "${CMAKE_COMMAND}" "-DPROGRAM=$<TARGET_FILE:leakdemo>" "-DSHELL_NAME=${shell}" "-DOUTPUT=${output}"
            -P "${PROJECT_SOURCE_DIR}/cmake/WriteCompletion.cmake"
    DEPENDS leakdemo "${PROJECT_SOURCE_DIR}/cmake/WriteCompletion.cmake"
    COMMENT "Writing the ${shell} completion script from leakdemo --completions ${shell}"
    VERBATIM)
  set(leakdemo_completion_outputs ${leakdemo_completion_outputs} "${output}" PARENT_SCOPE)
  install(FILES "${output}" DESTINATION "${destination}")
endfunction()

leakdemo_completion(bash leakdemo "${CMAKE_INSTALL_DATADIR}/bash-completion/completions")
leakdemo_completion(zsh _leakdemo "${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions")
leakdemo_completion(fish leakdemo.fish "${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d")
add_custom_target(leakdemo_completions ALL DEPENDS ${leakdemo_completion_outputs})
