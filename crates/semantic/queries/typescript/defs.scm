(function_declaration) @definition.function
(generator_function_declaration) @definition.function
(function_signature) @definition.function
(class_declaration) @definition.class
(abstract_class_declaration) @definition.class
(class) @definition.class
(interface_declaration) @definition.interface
(type_alias_declaration) @definition.type
(enum_declaration) @definition.enum
(enum_body name: (property_identifier) @name @definition.enum_member)
(enum_assignment) @definition.enum_member
(internal_module) @definition.module
(module) @definition.module
(method_definition) @definition.method
(method_signature) @definition.method
(abstract_method_signature) @definition.method
(public_field_definition) @definition.field
(property_signature) @definition.field
(lexical_declaration
  (variable_declarator
    name: (identifier) @name
    value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)
(variable_declaration
  (variable_declarator
    name: (identifier) @name
    value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)
(program (lexical_declaration (variable_declarator name: (identifier) @name) @definition.constant))
(program (export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name) @definition.constant)))
