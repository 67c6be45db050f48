/** The sample catalog of the original platform (same ids, SKUs, prices and stock), loaded by the sandbox and dev stages, never by prod. */
export interface SampleCategory {
  id: string;
  name: string;
  description: string;
}

export const sampleCategories: SampleCategory[] = [
  { id: 'electronics', name: 'Electronics', description: 'Electronic devices and accessories' },
  { id: 'computers', name: 'Computers', description: 'Laptops, desktops and computer accessories' },
  { id: 'peripherals', name: 'Peripherals', description: 'Keyboards, mice, monitors and more' },
  { id: 'audio', name: 'Audio', description: 'Headphones, speakers and audio equipment' },
  { id: 'gaming', name: 'Gaming', description: 'Gaming laptops, accessories and peripherals' },
];

export interface SampleProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  price: number;
  category: string;
  brand: string;
  attributes: Record<string, string | number | boolean>;
  stock: number;
}

export const sampleProducts: SampleProduct[] = [
  {
    id: 'prod-laptop-001',
    sku: 'LAPTOP-001',
    name: 'Premium Ultrabook Pro 15',
    description:
      'High-performance ultrabook with a 15-inch 4K display, Intel Core i7, 16 GB RAM and a 512 GB SSD, for professionals and creatives.',
    price: 1299.99,
    category: 'Computers',
    brand: 'TechPro',
    attributes: {
      processor: 'Intel Core i7-12700H',
      ram: '16GB DDR5',
      storage: '512GB NVMe SSD',
      display: '15.6" 4K OLED',
      graphics: 'Intel Iris Xe',
      weight: '1.8kg',
    },
    stock: 25,
  },
  {
    id: 'prod-laptop-002',
    sku: 'LAPTOP-002',
    name: 'Gaming Beast X17',
    description: 'Gaming laptop with an RTX 4080, a 17-inch 240 Hz display and 32 GB RAM.',
    price: 2499.99,
    category: 'Gaming',
    brand: 'GameForce',
    attributes: {
      processor: 'Intel Core i9-13900HX',
      ram: '32GB DDR5',
      storage: '1TB NVMe SSD',
      display: '17.3" QHD 240Hz',
      graphics: 'NVIDIA RTX 4080',
      weight: '2.9kg',
    },
    stock: 15,
  },
  {
    id: 'prod-mouse-001',
    sku: 'MOUSE-001',
    name: 'Precision Wireless Mouse',
    description: 'Ergonomic wireless mouse with a 16,000 DPI sensor, programmable buttons and a 70-hour battery.',
    price: 79.99,
    category: 'Peripherals',
    brand: 'ClickMaster',
    attributes: {
      dpi: '16,000',
      buttons: '6 programmable',
      connectivity: 'Wireless 2.4GHz + Bluetooth',
      battery: '70 hours',
      weight: '95g',
    },
    stock: 150,
  },
  {
    id: 'prod-keyboard-001',
    sku: 'KEYBOARD-001',
    name: 'Mechanical Gaming Keyboard RGB',
    description: 'Mechanical keyboard with Cherry MX switches, per-key RGB lighting and an aluminium frame.',
    price: 149.99,
    category: 'Peripherals',
    brand: 'KeyForce',
    attributes: {
      switches: 'Cherry MX Red',
      lighting: 'Per-key RGB',
      layout: 'Full-size (104 keys)',
      frame: 'Aluminum',
      cable: 'Detachable USB-C',
    },
    stock: 80,
  },
  {
    id: 'prod-headset-001',
    sku: 'HEADSET-001',
    name: 'Noise-Cancelling Wireless Headphones',
    description: 'Wireless headphones with active noise cancellation, a 40-hour battery and studio-quality sound.',
    price: 299.99,
    category: 'Audio',
    brand: 'AudioPro',
    attributes: {
      driver: '40mm dynamic',
      anc: 'Active Noise Cancellation',
      battery: '40 hours',
      connectivity: 'Bluetooth 5.3',
      weight: '250g',
    },
    stock: 60,
  },
  {
    id: 'prod-monitor-001',
    sku: 'MONITOR-001',
    name: '27" 4K Professional Monitor',
    description: '27-inch 4K IPS monitor with 99% sRGB, HDR400 and USB-C, made for content creators.',
    price: 549.99,
    category: 'Peripherals',
    brand: 'ViewMaster',
    attributes: {
      size: '27 inches',
      resolution: '3840x2160 (4K)',
      panel: 'IPS',
      color: '99% sRGB',
      hdr: 'HDR400',
      ports: 'HDMI, DisplayPort, USB-C',
    },
    stock: 40,
  },
  {
    id: 'prod-webcam-001',
    sku: 'WEBCAM-001',
    name: '4K Streaming Webcam',
    description: '4K webcam with autofocus, HDR and stereo microphones, for streaming and video calls.',
    price: 129.99,
    category: 'Peripherals',
    brand: 'StreamCam',
    attributes: {
      resolution: '4K 30fps / 1080p 60fps',
      fov: '90 degrees',
      autofocus: 'Yes',
      microphone: 'Dual stereo',
      mount: 'Universal clip',
    },
    stock: 90,
  },
  {
    id: 'prod-speaker-001',
    sku: 'SPEAKER-001',
    name: 'Premium Bluetooth Speaker',
    description: 'Portable Bluetooth speaker with 360-degree sound, a 20-hour battery and a waterproof body.',
    price: 199.99,
    category: 'Audio',
    brand: 'SoundWave',
    attributes: {
      output: '50W',
      battery: '20 hours',
      waterproof: 'IPX7',
      connectivity: 'Bluetooth 5.2',
      weight: '900g',
    },
    stock: 70,
  },
  {
    id: 'prod-tablet-001',
    sku: 'TABLET-001',
    name: 'Pro Tablet 12.9"',
    description: '12.9-inch tablet with an M2 chip, 256 GB storage and stylus support.',
    price: 999.99,
    category: 'Electronics',
    brand: 'TabletPro',
    attributes: {
      screen: '12.9" Liquid Retina XDR',
      processor: 'M2 chip',
      storage: '256GB',
      ram: '8GB',
      camera: '12MP + 10MP',
      battery: '10 hours',
    },
    stock: 35,
  },
  {
    id: 'prod-router-001',
    sku: 'ROUTER-001',
    name: 'WiFi 6E Gaming Router',
    description: 'Tri-band WiFi 6E router with up to 10 Gbps, advanced QoS and gaming optimisation.',
    price: 399.99,
    category: 'Electronics',
    brand: 'NetSpeed',
    attributes: {
      standard: 'WiFi 6E (802.11ax)',
      bands: 'Tri-band',
      speed: 'Up to 10Gbps',
      ports: '1x 10G WAN, 4x 1G LAN',
      antennas: '8 external',
    },
    stock: 45,
  },
  {
    id: 'prod-ssd-001',
    sku: 'SSD-001',
    name: '1TB NVMe SSD Gen4',
    description: 'Gen4 NVMe SSD with 7000 MB/s reads and a 5-year warranty.',
    price: 149.99,
    category: 'Computers',
    brand: 'SpeedDrive',
    attributes: {
      capacity: '1TB',
      interface: 'PCIe Gen4 x4',
      read: '7000 MB/s',
      write: '5000 MB/s',
      formFactor: 'M.2 2280',
    },
    stock: 120,
  },
  {
    id: 'prod-chair-001',
    sku: 'CHAIR-001',
    name: 'Ergonomic Gaming Chair',
    description: 'Gaming chair with lumbar support, 4D armrests and a back that reclines to 180 degrees.',
    price: 449.99,
    category: 'Gaming',
    brand: 'SitComfort',
    attributes: {
      material: 'PU leather',
      maxWeight: '150kg',
      armrests: '4D adjustable',
      recline: '90-180 degrees',
      lumbar: 'Adjustable lumbar support',
    },
    stock: 30,
  },
];
