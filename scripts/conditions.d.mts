export const SOURCE_CONDITION: string
export const sourceResolve: {
  resolve: { conditions: string[] }
  ssr: { noExternal: RegExp[]; resolve: { conditions: string[]; externalConditions: string[] } }
}
