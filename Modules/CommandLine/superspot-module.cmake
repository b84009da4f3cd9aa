superspot_module(SuperSpotCommandLine
  DESCRIPTION "Slicer Execution Model XML: the parser and checker of module descriptions, the XML -> TCLAP generator, and the runtime of the generated parsers (--xml, --echo, --returnparameterfile, progress style, one-line errors)"
  DEPENDS SuperSpotCore
  PUBLIC_EXTERNAL TCLAP
  PRIVATE_EXTERNAL LibXml2::LibXml2)
