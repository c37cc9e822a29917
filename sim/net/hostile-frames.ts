/**
 * Frames no real ComfyUI sends but a broken or hostile server might (sec/worker-crash-malformed-ws,
 * sec/ws-executed-constructor-crashes-main): wrong field types, node ids that are Object.prototype members,
 * text that is not JSON, binary previews with null metadata or impossible lengths. Those that carry a
 * prompt_id carry the running prompt's, so a client's prompt filter lets them through to its fold. None of
 * them may change how a well-behaved client's run ends: an execution_error is addressed to another prompt.
 */
export function hostileFrames(promptId: string | null): (string | Buffer)[] {
  const p = promptId ?? 'no-prompt-running'
  const text = (type: string, data: unknown): string => JSON.stringify({ type, data })
  return [
    text('execution_cached', { prompt_id: p, nodes: 5 }),
    text('executed', { node: 'constructor', output: null, prompt_id: p }),
    text('executed', { node: '__proto__', output: { images: 'x' }, prompt_id: p }),
    text('progress', { value: 'x', max: null, prompt_id: p }),
    text('progress', { value: 1e308, max: 1e-308, prompt_id: p, node: 'toString' }),
    text('execution_error', { prompt_id: `not-${p}`, node_id: 3 }),
    text('status', null),
    text('executing', { node: { id: 1 }, prompt_id: p }),
    'not json {',
    '[]',
    'null',
    binary(4, Buffer.from('null')),
    binary(4, Buffer.from('{"image_type":7,"node_id":{}}')),
    Buffer.concat([binary(4, Buffer.alloc(0)).subarray(0, 4), Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2])]),
    Buffer.from([0, 0, 0]),
  ]
}

function binary(event: number, meta: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(event, 0)
  head.writeUInt32BE(meta.length, 4)
  return Buffer.concat([head, meta, Buffer.from([0xff, 0xd8, 0xff])])
}
