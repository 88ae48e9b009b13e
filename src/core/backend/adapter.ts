/** The WebGPU adapter as the backend choice reports it. TF.js-free, so the UI thread can read it too. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
}

export function isSoftwareAdapter(a: AdapterSummary): boolean {
  return a.isFallbackAdapter || /swiftshader|llvmpipe|software/i.test(`${a.architecture} ${a.description} ${a.vendor}`);
}
