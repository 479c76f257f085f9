(method_invocation object: (_)? @receiver name: (identifier) @name) @reference.call
(object_creation_expression
  type: [
    (type_identifier) @name
    (generic_type (type_identifier) @name)
    (scoped_type_identifier (type_identifier) @name .)
    (generic_type (scoped_type_identifier (type_identifier) @name .))
  ]) @reference.new
(explicit_constructor_invocation constructor: [(this) (super)] @name) @reference.call
