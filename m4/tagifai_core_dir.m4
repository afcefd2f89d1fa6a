# m4/tagifai_core_dir.m4 - keep configure quiet about our core/ folder.
#
# configure removes core dumps with `rm -f core ...` after each compile,
# link and run test and in its exit trap (autoconf's general.m4), and in
# automake's check of `cc -c -o` (prog-cc-c-o.m4).  Here
# `core` is the model library's folder, so rm complained once a check
# ("rm: cannot remove 'core': Is a directory") and the trap stopped before
# deleting confdefs.h.  A core dump cannot be written over a directory
# anyway, so TAGIFAI_NO_RM_CORE drops that one word from the five macros
# that write it; the rest of each rm (conftest files, *.core) stays.
# Call it before AC_INIT.
AC_DEFUN([TAGIFAI_NO_RM_CORE],
[_TAGIFAI_NO_RM_CORE([_AC_INIT_PREPARE])dnl
_TAGIFAI_NO_RM_CORE([_AC_COMPILE_IFELSE])dnl
_TAGIFAI_NO_RM_CORE([_AC_LINK_IFELSE])dnl
_TAGIFAI_NO_RM_CORE([_AC_RUN_IFELSE])dnl
_TAGIFAI_NO_RM_CORE([_AM_PROG_CC_C_O])dnl
])

# _TAGIFAI_NO_RM_CORE(MACRO): MACRO's definition, `rm -f core ' made
# `rm -f '.  The extra quotes keep the text from being expanded.
AC_DEFUN([_TAGIFAI_NO_RM_CORE],
[m4_define([$1],
  m4_bpatsubst(m4_dquote(m4_defn([$1])), [rm -f core ], [rm -f ]))])
