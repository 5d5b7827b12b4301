# Reproducible builds (https://reproducible-builds.org): the same commit built twice, in any directory, gives
# a byte-identical .deb. Two things vary between builds unless pinned here:
#   - the time: the man page's date (help2man), the changelog's date and every mtime in the .deb come from
#     LEAKDEMO_SOURCE_DATE_EPOCH: $SOURCE_DATE_EPOCH if set, else the last commit's date, else a fixed date;
#   - the build path: -ffile-prefix-map rewrites the source and build directories (in __FILE__, debug info)
#     in Release builds, which carry no debug info for a debugger to look up sources by.

# The fallback for a tree without git history (an unpacked source tarball): 2026-01-01 00:00:00 UTC.
set(leakdemo_fallback_epoch 1767225600)
if(NOT "$ENV{SOURCE_DATE_EPOCH}" STREQUAL "")
  set(LEAKDEMO_SOURCE_DATE_EPOCH "$ENV{SOURCE_DATE_EPOCH}")
  set(leakdemo_epoch_source "SOURCE_DATE_EPOCH")
else()
  find_package(Git QUIET)
  set(leakdemo_git_epoch "")
  if(GIT_EXECUTABLE)
    execute_process(COMMAND "${GIT_EXECUTABLE}" log -1 --format=%ct
                    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
                    OUTPUT_VARIABLE leakdemo_git_epoch RESULT_VARIABLE leakdemo_git_result
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(NOT leakdemo_git_result EQUAL 0)
      set(leakdemo_git_epoch "")
    endif()
  endif()
  if(leakdemo_git_epoch MATCHES "^[0-9]+$")
    set(LEAKDEMO_SOURCE_DATE_EPOCH "${leakdemo_git_epoch}")
    set(leakdemo_epoch_source "the last commit")
  else()
    set(LEAKDEMO_SOURCE_DATE_EPOCH "${leakdemo_fallback_epoch}")
    set(leakdemo_epoch_source "the fixed fallback (no SOURCE_DATE_EPOCH, no git history)")
  endif()
endif()
if(NOT LEAKDEMO_SOURCE_DATE_EPOCH MATCHES "^[0-9]+$")
  message(FATAL_ERROR "SOURCE_DATE_EPOCH must be whole seconds since 1970, not '${LEAKDEMO_SOURCE_DATE_EPOCH}'")
endif()
message(STATUS "Build date for the man page and the package: ${LEAKDEMO_SOURCE_DATE_EPOCH} (${leakdemo_epoch_source})")

# A file whose content is the epoch, rewritten only when it changes: what depends on the date (the man
# page, the changelog) depends on this file, so a new commit's date rebuilds them and nothing else.
set(LEAKDEMO_SOURCE_DATE_EPOCH_FILE "${PROJECT_BINARY_DIR}/source-date-epoch")
file(CONFIGURE OUTPUT "${LEAKDEMO_SOURCE_DATE_EPOCH_FILE}" CONTENT "${LEAKDEMO_SOURCE_DATE_EPOCH}\n")

# The source directory becomes `.` and the build directory `build` (the build directory is listed last
# because GCC tries the last -ffile-prefix-map first, and it usually lies inside the source directory).
add_compile_options(
  "$<$<CONFIG:Release,MinSizeRel>:-ffile-prefix-map=${PROJECT_SOURCE_DIR}=.>"
  "$<$<CONFIG:Release,MinSizeRel>:-ffile-prefix-map=${PROJECT_BINARY_DIR}=build>")
