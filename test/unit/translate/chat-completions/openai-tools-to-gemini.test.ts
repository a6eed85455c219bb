import { InvalidRequestError } from '@sidecar/errors/sidecar-error';
import {
  openaiToolsToGemini,
  type OpenAIToolsInput,
  type TranslatedTools,
} from '@sidecar/translate/chat-completions/openai-tools-to-gemini';

/** Freezes a value and everything below it, so any mutation by the code under test throws. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** The error a call throws; fails the test when it does not throw. */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

type Dialect = 'json-schema' | 'openapi';

const WEATHER_PARAMETERS = {
  type: 'object',
  properties: { city: { type: 'string', description: 'City name' }, unit: { type: 'string', enum: ['c', 'f'] } },
  required: ['city'],
  additionalProperties: false,
};
const WEATHER_OPENAPI = {
  type: 'object',
  properties: { city: { type: 'string', description: 'City name' }, unit: { type: 'string', enum: ['c', 'f'] } },
  required: ['city'],
  propertyOrdering: ['city', 'unit'],
};

/** pydantic v2 output for `class Lookup(BaseModel): user: Optional[User] = None` with `extra='forbid'`. */
const PYDANTIC_LOOKUP = {
  $defs: {
    User: {
      additionalProperties: false,
      properties: { id: { title: 'Id', type: 'integer' }, email: { anyOf: [{ type: 'string' }, { type: 'null' }], default: null, title: 'Email' } },
      required: ['id'],
      title: 'User',
      type: 'object',
    },
  },
  additionalProperties: false,
  properties: { user: { anyOf: [{ $ref: '#/$defs/User' }, { type: 'null' }], default: null, description: 'Who to look up' } },
  title: 'Lookup',
  type: 'object',
};
const PYDANTIC_LOOKUP_OPENAPI = {
  type: 'object',
  properties: {
    user: {
      type: 'object',
      description: 'Who to look up',
      nullable: true,
      properties: { id: { type: 'integer' }, email: { type: 'string', nullable: true } },
      required: ['id'],
      propertyOrdering: ['id', 'email'],
    },
  },
  propertyOrdering: ['user'],
};

const weatherTool = { type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: WEATHER_PARAMETERS } };
const timeTool = { type: 'function', function: { name: 'get_time' } };
const weatherDeclaration = { name: 'get_weather', description: 'Weather now', parametersJsonSchema: WEATHER_PARAMETERS };
const twoTools = [weatherTool, timeTool];
const twoDeclarations = [{ functionDeclarations: [weatherDeclaration, { name: 'get_time' }] }];

describe('openaiToolsToGemini', () => {
  const cases: Array<{ name: string; input: OpenAIToolsInput; dialect?: Dialect; expected: TranslatedTools }> = [
    { name: 'returns no tools for a request without any', input: {}, expected: { tools: [], warnings: [] } },
    { name: 'treats null tools as absent', input: { tools: null, tool_choice: null }, expected: { tools: [], warnings: [] } },
    { name: 'puts every function into one functionDeclarations entry', input: { tools: twoTools }, expected: { tools: twoDeclarations, warnings: [] } },
    {
      name: 'sends parameters as parametersJsonSchema without $schema and strict',
      input: { tools: [{ type: 'function', function: { name: 'f', parameters: { $schema: 'x', strict: true, ...WEATHER_PARAMETERS } } }] },
      expected: { tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: WEATHER_PARAMETERS }] }], warnings: [] },
    },
    {
      name: 'down-converts parameters to the legacy schema for openapi models',
      input: { tools: [weatherTool] },
      dialect: 'openapi',
      expected: { tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather now', parameters: WEATHER_OPENAPI }] }], warnings: [] },
    },
    {
      name: 'sends a pydantic schema as is to json-schema models',
      input: { tools: [{ type: 'function', function: { name: 'lookup', parameters: PYDANTIC_LOOKUP } }] },
      expected: { tools: [{ functionDeclarations: [{ name: 'lookup', parametersJsonSchema: PYDANTIC_LOOKUP }] }], warnings: [] },
    },
    {
      name: 'inlines $defs and nullable anyOf of a pydantic schema for openapi models',
      input: { tools: [{ type: 'function', function: { name: 'lookup', parameters: PYDANTIC_LOOKUP } }] },
      dialect: 'openapi',
      expected: { tools: [{ functionDeclarations: [{ name: 'lookup', parameters: PYDANTIC_LOOKUP_OPENAPI }] }], warnings: [] },
    },
    {
      name: 'keeps an empty object schema for json-schema models',
      input: { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }] },
      expected: { tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: { type: 'object', properties: {} } }] }], warnings: [] },
    },
    {
      name: 'omits parameters of an empty object schema for openapi models',
      input: { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {}, additionalProperties: false } } }] },
      dialect: 'openapi',
      expected: { tools: [{ functionDeclarations: [{ name: 'f' }] }], warnings: [] },
    },
    {
      name: 'reads untyped parameters as an object for openapi models',
      input: { tools: [{ type: 'function', function: { name: 'f', parameters: { properties: { a: { type: 'integer' } } } } }] },
      dialect: 'openapi',
      expected: { tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'object', properties: { a: { type: 'integer' } }, propertyOrdering: ['a'] } }] }], warnings: [] },
    },
    {
      name: 'omits parameters: {} for openapi models',
      input: { tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] },
      dialect: 'openapi',
      expected: { tools: [{ functionDeclarations: [{ name: 'f' }] }], warnings: [] },
    },
    {
      name: 'drops strict: true with a warning',
      input: { tools: [{ type: 'function', function: { name: 'get_time', strict: true } }] },
      expected: { tools: [{ functionDeclarations: [{ name: 'get_time' }] }], warnings: ['tools[0].function.strict'] },
    },
    {
      name: 'keeps an empty description and ignores a null one',
      input: { tools: [{ type: 'function', function: { name: 'a', description: '' } }, { type: 'function', function: { name: 'b', description: null } }] },
      expected: { tools: [{ functionDeclarations: [{ name: 'a', description: '' }, { name: 'b' }] }], warnings: [] },
    },
    {
      name: "accepts names with '.', ':' and '-' up to 128 characters",
      input: { tools: [{ type: 'function', function: { name: 'ns.tool:v1-x' } }, { type: 'function', function: { name: `_${'a'.repeat(127)}` } }] },
      expected: { tools: [{ functionDeclarations: [{ name: 'ns.tool:v1-x' }, { name: `_${'a'.repeat(127)}` }] }], warnings: [] },
    },
    { name: 'maps tool_choice "none" to NONE and keeps the tools', input: { tools: twoTools, tool_choice: 'none' }, expected: { tools: twoDeclarations, toolConfig: { functionCallingConfig: { mode: 'NONE' } }, warnings: [] } },
    { name: 'maps tool_choice "auto" to AUTO', input: { tools: twoTools, tool_choice: 'auto' }, expected: { tools: twoDeclarations, toolConfig: { functionCallingConfig: { mode: 'AUTO' } }, warnings: [] } },
    { name: 'maps tool_choice "required" to ANY', input: { tools: twoTools, tool_choice: 'required' }, expected: { tools: twoDeclarations, toolConfig: { functionCallingConfig: { mode: 'ANY' } }, warnings: [] } },
    {
      name: 'maps a named tool_choice to ANY with allowedFunctionNames',
      input: { tools: twoTools, tool_choice: { type: 'function', function: { name: 'get_time' } } },
      expected: { tools: twoDeclarations, toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] } }, warnings: [] },
    },
    {
      name: 'maps allowed_tools "required" to ANY with allowedFunctionNames',
      input: { tools: twoTools, tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'get_weather' } }] } } },
      expected: { tools: twoDeclarations, toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } }, warnings: [] },
    },
    {
      name: 'maps allowed_tools "auto" to AUTO over only the allowed functions',
      input: { tools: twoTools, tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'get_time' } }] } } },
      expected: { tools: [{ functionDeclarations: [{ name: 'get_time' }] }], toolConfig: { functionCallingConfig: { mode: 'AUTO' } }, warnings: [] },
    },
    { name: 'ignores tool_choice "auto" without tools, with a warning', input: { tool_choice: 'auto' }, expected: { tools: [], warnings: ['tool_choice'] } },
    { name: 'ignores tool_choice "none" without tools, with a warning', input: { tool_choice: 'none' }, expected: { tools: [], warnings: ['tool_choice'] } },
    { name: 'sends nothing for tools: [], with a warning', input: { tools: [] }, expected: { tools: [], warnings: ['tools'] } },
    { name: 'ignores tool_choice "auto" with tools: []', input: { tools: [], tool_choice: 'auto' }, expected: { tools: [], warnings: ['tools', 'tool_choice'] } },
    {
      name: 'maps legacy functions like tools',
      input: { functions: [{ name: 'get_weather', description: 'Weather now', parameters: WEATHER_PARAMETERS }, { name: 'get_time' }] },
      expected: { tools: twoDeclarations, warnings: [] },
    },
    {
      name: 'down-converts legacy function parameters for openapi models',
      input: { functions: [{ name: 'get_weather', parameters: WEATHER_PARAMETERS }] },
      dialect: 'openapi',
      expected: { tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: WEATHER_OPENAPI }] }], warnings: [] },
    },
    { name: 'maps function_call "none" to NONE', input: { functions: [{ name: 'get_time' }], function_call: 'none' }, expected: { tools: [{ functionDeclarations: [{ name: 'get_time' }] }], toolConfig: { functionCallingConfig: { mode: 'NONE' } }, warnings: [] } },
    { name: 'maps function_call "auto" to AUTO', input: { functions: [{ name: 'get_time' }], function_call: 'auto' }, expected: { tools: [{ functionDeclarations: [{ name: 'get_time' }] }], toolConfig: { functionCallingConfig: { mode: 'AUTO' } }, warnings: [] } },
    {
      name: 'maps a named function_call to ANY with allowedFunctionNames',
      input: { functions: [{ name: 'get_time' }], function_call: { name: 'get_time' } },
      expected: { tools: [{ functionDeclarations: [{ name: 'get_time' }] }], toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] } }, warnings: [] },
    },
    { name: 'sends nothing for functions: [], with a warning', input: { functions: [] }, expected: { tools: [], warnings: ['functions'] } },
    { name: 'ignores function_call "auto" without functions, with a warning', input: { function_call: 'auto' }, expected: { tools: [], warnings: ['function_call'] } },
  ];
  it.each(cases)('$name', ({ input, dialect, expected }) => {
    expect(openaiToolsToGemini(deepFreeze(input), { schemaDialect: dialect ?? 'json-schema' })).toStrictEqual(expected);
  });

  const recursive = { type: 'object', properties: { tree: { $ref: '#/$defs/Node' } }, $defs: { Node: { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#/$defs/Node' } } } } } };
  const tooMany = Array.from({ length: 513 }, (_, index) => ({ type: 'function', function: { name: `f${index}` } }));

  const invalid: Array<{ name: string; input: OpenAIToolsInput; dialect?: Dialect; param: string; code: string }> = [
    { name: 'rejects tools and functions together', input: { tools: [timeTool], functions: [{ name: 'get_time' }] }, param: 'functions', code: 'invalid_value' },
    { name: 'rejects tools that are not an array', input: { tools: { type: 'function' } }, param: 'tools', code: 'invalid_value' },
    { name: 'rejects a custom tool', input: { tools: [timeTool, { type: 'custom', custom: { name: 'x' } }] }, param: 'tools[1].type', code: 'unsupported_parameter' },
    { name: 'rejects a web_search tool', input: { tools: [{ type: 'web_search' }] }, param: 'tools[0].type', code: 'unsupported_parameter' },
    { name: 'rejects a tool without a type', input: { tools: [{ function: { name: 'f' } }] }, param: 'tools[0].type', code: 'missing_required_parameter' },
    { name: 'rejects a function tool without function', input: { tools: [{ type: 'function' }] }, param: 'tools[0].function', code: 'missing_required_parameter' },
    { name: 'rejects a function without a name', input: { tools: [{ type: 'function', function: { description: 'd' } }] }, param: 'tools[0].function.name', code: 'missing_required_parameter' },
    { name: 'rejects a name with a space', input: { tools: [{ type: 'function', function: { name: 'get weather' } }] }, param: 'tools[0].function.name', code: 'invalid_value' },
    { name: 'rejects a name starting with a digit', input: { tools: [{ type: 'function', function: { name: '1tool' } }] }, param: 'tools[0].function.name', code: 'invalid_value' },
    { name: 'rejects an empty name', input: { tools: [{ type: 'function', function: { name: '' } }] }, param: 'tools[0].function.name', code: 'invalid_value' },
    { name: 'rejects a 129-character name', input: { tools: [{ type: 'function', function: { name: 'a'.repeat(129) } }] }, param: 'tools[0].function.name', code: 'invalid_value' },
    { name: 'rejects duplicate names', input: { tools: [timeTool, weatherTool, timeTool] }, param: 'tools[2].function.name', code: 'invalid_value' },
    { name: 'rejects more than 512 functions', input: { tools: tooMany }, param: 'tools', code: 'invalid_value' },
    { name: 'rejects parameters that are not an object', input: { tools: [{ type: 'function', function: { name: 'f', parameters: [] } }] }, param: 'tools[0].function.parameters', code: 'invalid_value' },
    { name: 'rejects non-object parameters (json-schema)', input: { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'string' } } }] }, param: 'tools[0].function.parameters', code: 'invalid_value' },
    { name: 'rejects non-object parameters (openapi)', input: { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'array', items: {} } } }] }, dialect: 'openapi', param: 'tools[0].function.parameters', code: 'invalid_value' },
    { name: 'rejects untyped union parameters (openapi)', input: { tools: [{ type: 'function', function: { name: 'f', parameters: { anyOf: [{ properties: { a: {} } }, { properties: { b: {} } }] } } }] }, dialect: 'openapi', param: 'tools[0].function.parameters', code: 'invalid_value' },
    {
      name: 'rejects a recursive schema for openapi models, naming the $ref',
      input: { tools: [{ type: 'function', function: { name: 'f', parameters: recursive } }] },
      dialect: 'openapi',
      param: 'tools[0].function.parameters.$defs.Node.properties.kids.items',
      code: 'unsupported_schema',
    },
    { name: 'rejects tool_choice "required" without tools', input: { tool_choice: 'required' }, param: 'tool_choice', code: 'invalid_value' },
    { name: 'rejects tool_choice "required" with tools: []', input: { tools: [], tool_choice: 'required' }, param: 'tool_choice', code: 'invalid_value' },
    { name: 'rejects a named tool_choice without tools', input: { tool_choice: { type: 'function', function: { name: 'get_time' } } }, param: 'tool_choice', code: 'invalid_value' },
    { name: 'rejects a named tool_choice for an undeclared function', input: { tools: twoTools, tool_choice: { type: 'function', function: { name: 'nope' } } }, param: 'tool_choice', code: 'invalid_value' },
    { name: 'rejects an unknown tool_choice string', input: { tools: twoTools, tool_choice: 'any' }, param: 'tool_choice', code: 'invalid_value' },
    { name: 'rejects a custom tool_choice', input: { tools: twoTools, tool_choice: { type: 'custom', custom: { name: 'x' } } }, param: 'tool_choice', code: 'invalid_value' },
    { name: 'rejects an empty allowed_tools list', input: { tools: twoTools, tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } } }, param: 'tool_choice.allowed_tools.tools', code: 'invalid_value' },
    {
      name: 'rejects allowed_tools naming an undeclared function',
      input: { tools: twoTools, tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'get_time' } }, { type: 'function', function: { name: 'nope' } }] } } },
      param: 'tool_choice.allowed_tools.tools[1].function.name',
      code: 'invalid_value',
    },
    { name: 'rejects legacy functions that are not an array', input: { functions: 'get_time' }, param: 'functions', code: 'invalid_value' },
    { name: 'rejects an invalid legacy function name', input: { functions: [{ name: 'a/b' }] }, param: 'functions[0].name', code: 'invalid_value' },
    { name: 'rejects duplicate legacy function names', input: { functions: [{ name: 'a' }, { name: 'a' }] }, param: 'functions[1].name', code: 'invalid_value' },
    { name: 'rejects a named function_call without functions', input: { function_call: { name: 'get_time' } }, param: 'function_call', code: 'invalid_value' },
    { name: 'rejects a named function_call for an undeclared function', input: { functions: [{ name: 'a' }], function_call: { name: 'b' } }, param: 'function_call', code: 'invalid_value' },
    { name: 'rejects function_call "required" (not a legacy value)', input: { functions: [{ name: 'a' }], function_call: 'required' }, param: 'function_call', code: 'invalid_value' },
  ];
  it.each(invalid)('$name', ({ input, dialect, param, code }) => {
    const error = thrownBy(() => openaiToolsToGemini(deepFreeze(input), { schemaDialect: dialect ?? 'json-schema' }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param, code });
  });
});
