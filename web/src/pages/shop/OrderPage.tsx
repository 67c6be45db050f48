import { PageHeading } from '../../components/PageHeading';

export const OrderPage = () => <PageHeading>OrderPage</PageHeading>;
