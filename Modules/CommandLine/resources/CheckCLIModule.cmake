# cmake -DMODE=xml|help -DMODULE=<exe> -DXML=<Name>.xml -DCHECKER=<SuperSpotCheckModuleXML>
#       [-DXMLLINT=<xmllint> -DXSD=<schema>] -DWORK_DIR=<dir> -P CheckCLIModule.cmake
#
# The "<Name>.xml" and "<Name>.help" tests of superspot_add_cli: what Slicer does with a
# CLI module before it shows it.
#  xml:  `<Name> --xml` must answer within 5 s (Slicer's limit), exit 0, write nothing to
#        standard error (Slicer treats any as an error), print <Name>.xml byte for byte,
#        and that XML must pass SuperSpotCheckModuleXML and the project's XML Schema.
#  help: `<Name> --help` must exit 0, write nothing to standard error, and list every
#        <longflag> of the XML.

foreach(var MODE MODULE XML CHECKER WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "CheckCLIModule.cmake: -D${var}=... is required")
  endif()
endforeach()
get_filename_component(name ${XML} NAME_WE)
file(MAKE_DIRECTORY ${WORK_DIR})

if(MODE STREQUAL "xml")
  set(printed ${WORK_DIR}/${name}--xml.xml)
  execute_process(COMMAND ${MODULE} --xml
    OUTPUT_FILE ${printed}
    ERROR_VARIABLE err
    RESULT_VARIABLE rc
    TIMEOUT 5)
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "${name} --xml: exit status '${rc}' (Slicer waits 5 s for it): ${err}")
  endif()
  if(NOT err STREQUAL "")
    message(FATAL_ERROR "${name} --xml wrote to standard error, which Slicer reports as an error: ${err}")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${printed} ${XML} RESULT_VARIABLE differ)
  if(NOT differ EQUAL 0)
    message(FATAL_ERROR "${name} --xml printed ${printed}, which differs from ${XML}: rebuild, or fix the generator")
  endif()
  execute_process(COMMAND ${CHECKER} ${printed} OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "SuperSpotCheckModuleXML rejects ${name} --xml:\n${out}")
  endif()
  if(XMLLINT AND XSD)
    execute_process(COMMAND ${XMLLINT} --noout --schema ${XSD} ${printed} OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${name} --xml does not validate against ${XSD}:\n${out}")
    endif()
  else()
    message(STATUS "xmllint not found: the schema check of ${name} --xml is skipped")
  endif()
  message(STATUS "${name} --xml: identical to ${XML}, checked")
elseif(MODE STREQUAL "help")
  execute_process(COMMAND ${MODULE} --help OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc TIMEOUT 30)
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "${name} --help: exit status '${rc}': ${err}")
  endif()
  if(NOT err STREQUAL "")
    message(FATAL_ERROR "${name} --help wrote to standard error: ${err}")
  endif()
  if(NOT out MATCHES "USAGE")
    message(FATAL_ERROR "${name} --help printed no usage:\n${out}")
  endif()
  file(READ ${XML} text)
  string(REGEX MATCHALL "<longflag>[^<]*</longflag>" longflags "${text}")
  foreach(tag IN LISTS longflags)
    string(REGEX REPLACE "<longflag>[ \t\r\n-]*([A-Za-z0-9_]+)[ \t\r\n]*</longflag>" "\\1" flag "${tag}")
    string(FIND "${out}" "--${flag}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${name} --help does not list --${flag} of ${XML}:\n${out}")
    endif()
  endforeach()
  list(LENGTH longflags n)
  message(STATUS "${name} --help lists all ${n} long flags")
else()
  message(FATAL_ERROR "CheckCLIModule.cmake: MODE must be xml or help, not '${MODE}'")
endif()
