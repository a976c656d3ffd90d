/** The support agent's one tool: a pretend order database, answered after a short wait. */
export interface Order {
  orderId: string
  status: 'processing' | 'shipped' | 'delivered' | 'unknown'
  eta?: string
}

const ORDERS: Record<string, Order> = {
  A1042: { orderId: 'A1042', status: 'shipped', eta: 'Thursday' },
  B2001: { orderId: 'B2001', status: 'processing', eta: 'next week' },
  C3300: { orderId: 'C3300', status: 'delivered' },
}

export const lookupOrderTool = {
  type: 'function',
  function: {
    name: 'lookupOrder',
    description: 'Look up the status of an order by its id.',
    parameters: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
  },
} as const

export async function lookupOrder({ orderId }: { orderId: string }): Promise<Order> {
  await new Promise((resolve) => setTimeout(resolve, 120))
  return ORDERS[orderId.toUpperCase()] ?? { orderId, status: 'unknown' }
}
